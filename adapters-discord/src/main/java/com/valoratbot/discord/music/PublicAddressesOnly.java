package com.valoratbot.discord.music;

import org.apache.http.conn.DnsResolver;
import org.apache.http.impl.conn.SystemDefaultDnsResolver;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Keeps {@code play} from fetching internal addresses (server-side request forgery): a dashboard user
 * must not make the bot read the database's admin page or a cloud metadata endpoint. Installed as the
 * DNS resolver of every Lavaplayer HTTP client, it also covers redirects and names that resolve to a
 * private address only at connect time.
 */
final class PublicAddressesOnly implements DnsResolver {

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(host);
        for (InetAddress a : addresses) {
            if (isPrivate(a)) throw new UnknownHostException(host + " resolves to a private address (" + a.getHostAddress() + "), which music may not fetch");
        }
        return addresses;
    }

    /** Loopback, private ranges (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, fe80::/10, metadata endpoints), unspecified, multicast. */
    static boolean isPrivate(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return true;
        }
        if (a instanceof Inet6Address) {
            byte first = a.getAddress()[0];
            return (first & 0xFE) == 0xFC; // unique local fc00::/7
        }
        byte[] b = a.getAddress();
        return (b[0] & 0xFF) == 100 && (b[1] & 0xC0) == 64; // carrier-grade NAT 100.64/10
    }

    /** Whether this URL host is (or resolves to) a private address; an unknown name is left to the loader to report. */
    static boolean isPrivateHost(String host) {
        try {
            for (InetAddress a : SystemDefaultDnsResolver.INSTANCE.resolve(host)) if (isPrivate(a)) return true;
            return false;
        } catch (UnknownHostException unknown) {
            return false;
        }
    }
}
