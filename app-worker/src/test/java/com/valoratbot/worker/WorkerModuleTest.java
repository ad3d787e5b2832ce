package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Binding;
import com.google.inject.Key;
import com.google.inject.spi.Element;
import com.google.inject.spi.Elements;
import com.google.inject.spi.InstanceBinding;
import com.valoratbot.supabase.DatabaseSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerModuleTest {

    @Test
    void theDatabaseSettingsWorkerAppReadIsTheOneTheInjectorHandsOutNotASecondReading() {
        Settings settings =
                Settings.of(Map.of("DISCORD_TOKEN", "t", "VALORATBOT_DATA_DIR", "/tmp/valoratbot-module-test"));
        DatabaseSettings read = DatabaseConfig.from(settings);
        List<Element> elements = Elements.getElements(
                new WorkerModule(settings, WorkerConfig.from(settings, false), read, java.util.Optional.empty()));

        List<Binding<?>> bindings = elements.stream()
                .filter(e -> e instanceof Binding<?> b && b.getKey().equals(Key.get(DatabaseSettings.class)))
                .<Binding<?>>map(e -> (Binding<?>) e)
                .toList();
        assertThat(bindings).singleElement().isInstanceOf(InstanceBinding.class);
        assertThat(((InstanceBinding<?>) bindings.getFirst()).getInstance()).isSameAs(read);
    }
}
