package com.valoratbot.discord.music;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.http.conn.DnsResolver;
import org.apache.http.impl.conn.SystemDefaultDnsResolver;

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
            var special = SpecialAddresses.special(a);
            if (special.isPresent()) {
                throw new UnknownHostException(host + " resolves to a private address (" + a.getHostAddress() + ", "
                        + special.get() + "), which music may not fetch");
            }
        }
        return addresses;
    }

    /** Any address IANA's special-purpose registries do not mark globally reachable: see {@link SpecialAddresses}. */
    static boolean isPrivate(InetAddress a) {
        return SpecialAddresses.special(a).isPresent();
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
