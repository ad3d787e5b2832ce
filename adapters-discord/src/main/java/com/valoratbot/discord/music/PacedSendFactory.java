package com.valoratbot.discord.music;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import net.dv8tion.jda.api.audio.factory.IAudioSendFactory;
import net.dv8tion.jda.api.audio.factory.IAudioSendSystem;
import net.dv8tion.jda.api.audio.factory.IPacketProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JDA's audio send loop for every voice connection of one JDA on a single thread, paced on {@link System#nanoTime()}.
 *
 * <p>JDA's default send system runs one thread per connection that sleeps with millisecond precision: 50 playing
 * guilds wake 2,500 threads a second and each drifts on its own. Here one thread wakes every 20 ms on an absolute
 * schedule, asks each connection for its next packet and sends it from a buffer reused per connection (JDA's own
 * loop allocates a datagram per frame and also sends an empty one every 20 ms while nothing plays). A tick that
 * comes late is caught up at once, as JDA does, unless it is more than three frames behind.
 */
public final class PacedSendFactory implements IAudioSendFactory {

    private static final Logger LOG = LoggerFactory.getLogger(PacedSendFactory.class);
    static final long FRAME_NANOS = 20_000_000L;
    private static final long MAX_CATCH_UP_NANOS = 3 * FRAME_NANOS;

    private final CopyOnWriteArrayList<Sender> senders = new CopyOnWriteArrayList<>();
    private final Object wakeUp = new Object();
    private Thread pacer;

    @Override
    public IAudioSendSystem createSendSystem(IPacketProvider packetProvider) {
        return new Sender(packetProvider);
    }

    /** Connections being paced right now. */
    public int activeConnections() {
        return senders.size();
    }

    private void add(Sender sender) {
        synchronized (wakeUp) {
            if (!senders.contains(sender)) senders.add(sender);
            if (pacer == null) {
                pacer = Thread.ofPlatform()
                        .daemon()
                        .name("music-audio-pacer")
                        .priority(Thread.MAX_PRIORITY - 1)
                        .start(this::pace);
            }
            wakeUp.notifyAll();
        }
    }

    private void pace() {
        long next = System.nanoTime();
        while (true) {
            if (senders.isEmpty()) {
                synchronized (wakeUp) {
                    while (senders.isEmpty()) {
                        try {
                            wakeUp.wait();
                        } catch (InterruptedException e) {
                            // A daemon shared by every connection of this JDA: nothing to stop.
                        }
                    }
                }
                next = System.nanoTime();
            }
            for (Sender sender : senders) sender.tick();
            next += FRAME_NANOS;
            long wait = next - System.nanoTime();
            if (wait < -MAX_CATCH_UP_NANOS) {
                next = System.nanoTime();
            }
            while ((wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private final class Sender implements IAudioSendSystem {
        private final IPacketProvider provider;
        private byte[] bytes = new byte[1500];
        private final DatagramPacket datagram = new DatagramPacket(bytes, 0);

        Sender(IPacketProvider provider) {
            this.provider = provider;
        }

        @Override
        public void start() {
            add(this);
        }

        @Override
        public void shutdown() {
            senders.remove(this);
        }

        /** One frame of this connection, if it has one. Runs on the pacer thread only. */
        void tick() {
            DatagramSocket socket = provider.getUdpSocket();
            if (socket == null || socket.isClosed()) {
                senders.remove(this);
                return;
            }
            try {
                ByteBuffer packet = provider.getNextPacketRaw(false);
                if (packet == null || !packet.hasRemaining()) return;
                int length = packet.remaining();
                if (length > bytes.length) bytes = new byte[length];
                packet.get(bytes, 0, length);
                InetSocketAddress to = provider.getSocketAddress();
                if (to == null) return;
                datagram.setData(bytes, 0, length);
                datagram.setSocketAddress(to);
                socket.send(datagram);
            } catch (NoRouteToHostException e) {
                provider.onConnectionLost();
            } catch (SocketException closedMeanwhile) {
                // The connection is closing; JDA shuts this sender down.
            } catch (IOException | RuntimeException e) {
                LOG.error("audio send failed for {}", provider.getIdentifier(), e);
            }
        }
    }
}
