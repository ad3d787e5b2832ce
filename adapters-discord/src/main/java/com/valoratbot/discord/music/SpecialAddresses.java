package com.valoratbot.discord.music;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses {@code play} may not fetch: every block of IANA's IPv4 and IPv6 Special-Purpose
 * Address Registries that is not globally reachable, plus multicast, and in IPv6 everything outside
 * global unicast (2000::/3). IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64 64:ff9b::/96,
 * 6to4 2002::/16) are judged by the IPv4 address inside.
 *
 * <p>Written here from the registries (iana.org/assignments/iana-ipv4-special-registry and
 * iana-ipv6-special-registry, as of 2025): Guava's InetAddresses parses and unwraps some embedded
 * forms but has no registry, commons-net's SubnetUtils only does CIDR arithmetic, and the ipaddress
 * library's isLocal/isLoopback/isMulticast miss benchmarking (198.18.0.0/15), documentation and the
 * IPv4-translated forms. The few globally reachable /32s inside 192.0.0.0/24 are refused with it: no
 * media is served from an anycast relay.
 */
final class SpecialAddresses {

    private SpecialAddresses() {}

    record Block(byte[] prefix, int bits, String name) {
        static Block of(String cidr, String name) {
            int slash = cidr.indexOf('/');
            try {
                return new Block(
                        InetAddress.getByName(cidr.substring(0, slash)).getAddress(),
                        Integer.parseInt(cidr.substring(slash + 1)),
                        name);
            } catch (UnknownHostException literal) {
                throw new IllegalArgumentException(cidr, literal);
            }
        }

        boolean contains(byte[] address) {
            if (address.length != prefix.length) return false;
            int full = bits / 8;
            for (int i = 0; i < full; i++) if (address[i] != prefix[i]) return false;
            int rest = bits % 8;
            if (rest == 0) return true;
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (prefix[full] & mask);
        }
    }

    /** The IPv4 registry's blocks that are not globally reachable, and multicast. */
    static final List<Block> IPV4 = List.of(
            Block.of("0.0.0.0/8", "this network (RFC 791)"),
            Block.of("10.0.0.0/8", "private use (RFC 1918)"),
            Block.of("100.64.0.0/10", "shared address space (RFC 6598)"),
            Block.of("127.0.0.0/8", "loopback (RFC 1122)"),
            Block.of("169.254.0.0/16", "link local (RFC 3927)"),
            Block.of("172.16.0.0/12", "private use (RFC 1918)"),
            Block.of("192.0.0.0/24", "IETF protocol assignments (RFC 6890)"),
            Block.of("192.0.2.0/24", "documentation TEST-NET-1 (RFC 5737)"),
            Block.of("192.88.99.0/24", "6to4 relay anycast, deprecated (RFC 7526)"),
            Block.of("192.168.0.0/16", "private use (RFC 1918)"),
            Block.of("198.18.0.0/15", "benchmarking (RFC 2544)"),
            Block.of("198.51.100.0/24", "documentation TEST-NET-2 (RFC 5737)"),
            Block.of("203.0.113.0/24", "documentation TEST-NET-3 (RFC 5737)"),
            Block.of("224.0.0.0/4", "multicast (RFC 5771)"),
            Block.of("240.0.0.0/4", "reserved (RFC 1112), limited broadcast included (RFC 919)"));

    /** Global unicast: the only IPv6 space with public hosts. */
    private static final Block GLOBAL_UNICAST = Block.of("2000::/3", "global unicast");

    private static final Block IPV4_MAPPED = Block.of("::ffff:0:0/96", "IPv4-mapped (RFC 4291)");
    private static final Block NAT64 = Block.of("64:ff9b::/96", "IPv4-IPv6 translation (RFC 6052)");
    private static final Block SIX_TO_FOUR = Block.of("2002::/16", "6to4 (RFC 3056)");

    /** The IPv6 registry's blocks inside 2000::/3 that are not globally reachable (Teredo 2001::/32 is in 2001::/23). */
    static final List<Block> IPV6_IN_GLOBAL_UNICAST = List.of(
            Block.of("2001::/23", "IETF protocol assignments, Teredo included (RFC 2928, RFC 4380)"),
            Block.of("2001:db8::/32", "documentation (RFC 3849)"),
            Block.of("3fff::/20", "documentation (RFC 9637)"));

    /** Why {@code address} may not be fetched (the registry block's name), or empty when it is public. */
    static Optional<String> special(InetAddress address) {
        byte[] b = address.getAddress();
        return switch (address) {
            case Inet4Address v4 -> ipv4(b);
            case Inet6Address v6 -> ipv6(b);
            default -> Optional.of("unknown address family");
        };
    }

    private static Optional<String> ipv4(byte[] b) {
        return IPV4.stream().filter(block -> block.contains(b)).map(Block::name).findFirst();
    }

    private static Optional<String> ipv6(byte[] b) {
        // Judged by the IPv4 address inside: a public one is reachable through these, a private one must not be.
        if (IPV4_MAPPED.contains(b) || NAT64.contains(b)) return embedded(b, 12, "IPv4 inside IPv6");
        if (SIX_TO_FOUR.contains(b)) return embedded(b, 2, "IPv4 inside 6to4");
        // Everything else outside 2000::/3: unspecified, loopback, IPv4-compatible (::127.0.0.1),
        // IPv4-translated (::ffff:0:a.b.c.d), local-use NAT64 64:ff9b:1::/48, discard 100::/64,
        // SRv6 5f00::/16, unique local fc00::/7, link local fe80::/10, site local fec0::/10, multicast ff00::/8.
        if (!GLOBAL_UNICAST.contains(b)) return Optional.of("not global unicast (outside 2000::/3)");
        return IPV6_IN_GLOBAL_UNICAST.stream()
                .filter(block -> block.contains(b))
                .map(Block::name)
                .findFirst();
    }

    private static Optional<String> embedded(byte[] v6, int offset, String form) {
        byte[] v4 = java.util.Arrays.copyOfRange(v6, offset, offset + 4);
        return ipv4(v4).map(name -> form + ": " + name);
    }
}
