package com.valoratbot.core.run;

import com.valoratbot.core.port.CheckAccess;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Result;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Stands in for every port this deployment has no adapter for: each of the port's methods answers
 * {@code not_available}. Made at run time for the port's interface, so a method added to a port
 * needs nothing here (adding an action touches no stand-in).
 */
final class Unavailable {

    private Unavailable() {}

    /** Without a Discord adapter nothing can be checked, and the action itself is unavailable anyway. */
    static final CheckAccess ACCESS = (context, requirements) -> Result.ok(Done.DONE);

    /** A {@code port} whose every method returning a {@link Result} answers {@code not_available}. */
    static <T> T port(Class<T> port) {
        return port.cast(Proxy.newProxyInstance(
                port.getClassLoader(),
                new Class<?>[] {port},
                (proxy, method, args) -> answer(port, proxy, method, args)));
    }

    private static Object answer(Class<?> port, Object proxy, Method method, Object[] args) {
        if (method.getReturnType() == Result.class) return Result.err(ErrorCode.NOT_AVAILABLE, "not_available");
        return switch (method.getName()) {
            case "toString" -> "Unavailable " + port.getSimpleName();
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            // A port method that does not answer with a Result has no way to say "not available".
            default ->
                throw new UnsupportedOperationException(
                        port.getSimpleName() + "." + method.getName() + " has no adapter in this deployment");
        };
    }
}
