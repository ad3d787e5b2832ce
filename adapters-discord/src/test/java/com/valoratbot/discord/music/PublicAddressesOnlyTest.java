package com.valoratbot.discord.music;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublicAddressesOnlyTest {

    // Literal addresses only: InetAddress.getByName does no DNS lookup for them.
    @ParameterizedTest(name = "{0} is private")
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.10", "169.254.169.254",
            "0.0.0.0", "100.64.0.1", "224.0.0.1", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "::"})
    void internalAddressesAreRefused(String address) throws UnknownHostException {
        assertThat(PublicAddressesOnly.isPrivate(InetAddress.getByName(address))).isTrue();
    }

    @ParameterizedTest(name = "{0} is public")
    @ValueSource(strings = {"1.1.1.1", "8.8.8.8", "172.32.0.1", "100.128.0.1", "151.101.1.69", "2606:4700::1111"})
    void publicAddressesAreAllowed(String address) throws UnknownHostException {
        assertThat(PublicAddressesOnly.isPrivate(InetAddress.getByName(address))).isFalse();
    }

    @org.junit.jupiter.api.Test
    void theResolverRefusesAHostThatResolvesToLoopback() {
        assertThatThrownBy(() -> new PublicAddressesOnly().resolve("localhost"))
                .isInstanceOf(UnknownHostException.class).hasMessageContaining("private address");
    }
}
