package com.valoratbot.discord.music;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PublicAddressesOnlyTest {

    // Literal addresses only: InetAddress.getByName does no DNS lookup for them.
    @ParameterizedTest(name = "{0} is private")
    @ValueSource(
            strings = {
                "127.0.0.1",
                "127.8.9.10",
                "10.1.2.3",
                "172.16.0.1",
                "172.31.255.255",
                "192.168.1.10",
                "169.254.169.254",
                "0.0.0.0",
                "100.64.0.1",
                "224.0.0.1",
                "::1",
                "fe80::1",
                "fc00::1",
                "fd12:3456::1",
                "::"
            })
    void internalAddressesAreRefused(String address) throws UnknownHostException {
        assertThat(PublicAddressesOnly.isPrivate(InetAddress.getByName(address)))
                .isTrue();
    }

    @ParameterizedTest(name = "{0} is public")
    @ValueSource(strings = {"1.1.1.1", "8.8.8.8", "172.32.0.1", "100.128.0.1", "151.101.1.69", "2606:4700::1111"})
    void publicAddressesAreAllowed(String address) throws UnknownHostException {
        assertThat(PublicAddressesOnly.isPrivate(InetAddress.getByName(address)))
                .isFalse();
    }

    /**
     * IANA's special-purpose registries, one row per block (its edges where they matter), and the
     * IPv6 forms that carry an IPv4 address. Literal addresses only: nothing is resolved or sent.
     */
    @ParameterizedTest(name = "{0} → {1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
            0.0.0.1                 | refused
            10.255.255.255          | refused
            100.127.255.255         | refused
            100.63.255.255          | public
            127.255.255.254         | refused
            169.254.0.1             | refused
            172.15.255.255          | public
            192.0.0.8               | refused
            192.0.2.1               | refused
            192.0.3.1               | public
            192.88.99.1             | refused
            198.17.255.255          | public
            198.18.0.0              | refused
            198.19.255.255          | refused
            198.20.0.0              | public
            198.51.100.7            | refused
            203.0.113.9             | refused
            239.255.255.250         | refused
            240.0.0.1               | refused
            255.255.255.255         | refused
            ::127.0.0.1             | refused
            ::8.8.8.8               | refused
            ::ffff:127.0.0.1        | refused
            ::ffff:8.8.8.8          | public
            ::ffff:0:7f00:1         | refused
            64:ff9b::7f00:1         | refused
            64:ff9b::a00:1          | refused
            64:ff9b::808:808        | public
            64:ff9b:1::808:808      | refused
            2002:7f00:1::           | refused
            2002:c0a8:101::1        | refused
            2002:808:808::1         | public
            2001:0:4136:e378:8000:63bf:3fff:fdd2 | refused
            2001:db8::1             | refused
            2001:1::1               | refused
            3fff::1                 | refused
            100::1                  | refused
            5f00::1                 | refused
            fec0::1                 | refused
            ff02::1                 | refused
            fe80::1%1               | refused
            1::1                    | refused
            2a00:1450:4007:80e::200e | public
            2606:4700:4700::1111    | public
            """)
    void theRegistriesDecideWhatMusicMayFetch(String address, String expected) throws UnknownHostException {
        InetAddress a = InetAddress.getByName(address);

        assertThat(PublicAddressesOnly.isPrivate(a))
                .as("%s (%s)", address, SpecialAddresses.special(a))
                .isEqualTo(expected.equals("refused"));
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(
            strings = {
                "http://[::127.0.0.1]/a.mp3",
                "http://[64:ff9b::7f00:1]/a.mp3",
                "http://[::ffff:0:7f00:1]/a.mp3",
                "http://[2002:7f00:1::]/a.mp3",
                "http://198.18.0.1/a.mp3",
                "http://[::ffff:127.0.0.1]:8080/a.mp3"
            })
    void urlHostsInEmbeddedFormsAreRefusedAsPlaysHostCheckSeesThem(String url) {
        assertThat(PublicAddressesOnly.isPrivateHost(java.net.URI.create(url).getHost()))
                .isTrue();
    }

    @org.junit.jupiter.api.Test
    void theResolverRefusesAHostThatResolvesToLoopback() {
        assertThatThrownBy(() -> new PublicAddressesOnly().resolve("localhost"))
                .isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("private address");
    }
}
