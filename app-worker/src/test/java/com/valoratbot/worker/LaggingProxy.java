package com.valoratbot.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP proxy on loopback that hands what the server sends to the client {@code lag} late, in order
 * (the client's bytes go straight through). Between a worker and the stand-in's gateway it plays a
 * gateway that lags behind REST, as Discord's does under load: the worker's cache learns of a change
 * well after the change was made.
 */
final class LaggingProxy implements AutoCloseable {

    private record Chunk(long dueNanos, byte[] bytes) {}

    private final ServerSocket server;
    private final int targetPort;
    private final long lagNanos;

    LaggingProxy(int targetPort, Duration lag) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.lagNanos = lag.toNanos();
        Thread.ofPlatform().daemon().name("lagging-proxy").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                Thread.ofPlatform().daemon().start(() -> copy(client, upstream));
                BlockingQueue<Chunk> late = new LinkedBlockingQueue<>();
                Thread.ofPlatform().daemon().start(() -> read(upstream, late, client));
                Thread.ofPlatform().daemon().start(() -> deliver(late, client, upstream));
            } catch (IOException e) {
                if (!server.isClosed()) System.err.println("lagging proxy: " + e);
            }
        }
    }

    private static void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // a side closed
        } finally {
            closeQuietly(from, to);
        }
    }

    private void read(Socket from, BlockingQueue<Chunk> late, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0)
                late.add(new Chunk(System.nanoTime() + lagNanos, Arrays.copyOf(buffer, n)));
        } catch (IOException ignored) {
            // a side closed
        }
        late.add(new Chunk(System.nanoTime() + lagNanos, null));
    }

    private static void deliver(BlockingQueue<Chunk> late, Socket to, Socket from) {
        try (OutputStream out = to.getOutputStream()) {
            while (true) {
                Chunk chunk = late.take();
                long wait = chunk.dueNanos() - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                if (chunk.bytes() == null) break;
                out.write(chunk.bytes());
                out.flush();
            }
        } catch (IOException | InterruptedException ignored) {
            // a side closed
        } finally {
            closeQuietly(from, to);
        }
    }

    private static void closeQuietly(Socket... sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
