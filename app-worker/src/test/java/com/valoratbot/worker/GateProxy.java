package com.valoratbot.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback that accepts connections but forwards nothing until {@link #open()}: a
 * hook that holds a worker's start-up at a known step (e.g. logging in to Discord) so a test can
 * change the world meanwhile, instead of hoping a sleep lands in the right window.
 */
final class GateProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final CountDownLatch opened = new CountDownLatch(1);
    private final AtomicInteger accepted = new AtomicInteger();

    GateProxy(int targetPort) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        Thread.ofPlatform().daemon().name("gate-proxy").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** How many connections arrived, held or not. */
    int accepted() {
        return accepted.get();
    }

    /** Lets held and later connections through. */
    void open() {
        opened.countDown();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                Thread.ofPlatform().daemon().start(() -> forwardOnceOpen(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void forwardOnceOpen(Socket client) {
        try {
            opened.await();
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            Thread.ofPlatform().daemon().start(() -> copy(upstream, client));
            copy(client, upstream);
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    private static void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // a side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        opened.countDown();
        server.close();
    }
}
