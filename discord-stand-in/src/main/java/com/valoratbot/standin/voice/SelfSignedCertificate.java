package com.valoratbot.standin.voice;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away TLS identity for the voice gateway: {@code CN=localhost} with the subject alternative names
 * {@code DNS:localhost} and {@code IP:127.0.0.1}, generated once per JVM in process (Bouncy Castle's
 * certificate builder; the JDK has no public API to sign a certificate) and written to temporary PKCS#12 files. Clients trust it through {@link #clientContext()}
 * or, for another JVM, through {@link #trustStore()} as {@code -Djavax.net.ssl.trustStore}.
 */
public final class SelfSignedCertificate {

    /** Password of both generated stores; they protect nothing but a test key. */
    public static final String PASSWORD = "stand-in";

    private static volatile SelfSignedCertificate shared;

    private final Path keyStore;
    private final Path trustStore;
    private final SSLContext serverContext;
    private final SSLContext clientContext;

    private SelfSignedCertificate(Path keyStore, Path trustStore, SSLContext serverContext, SSLContext clientContext) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.serverContext = serverContext;
        this.clientContext = clientContext;
    }

    /** The JVM-wide instance, generated on first use (milliseconds). */
    public static SelfSignedCertificate shared() {
        SelfSignedCertificate current = shared;
        if (current == null) {
            synchronized (SelfSignedCertificate.class) {
                current = shared;
                if (current == null) {
                    current = generate();
                    shared = current;
                }
            }
        }
        return current;
    }

    /**
     * A fresh identity in a new temporary directory (deleted when the JVM exits), made in process
     * with Bouncy Castle's certificate builder over the JDK's own EC keys and signature: a few
     * milliseconds, where three {@code keytool} child JVMs took seconds of every sandbox start.
     */
    public static SelfSignedCertificate generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=localhost");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject,
                    new BigInteger(63, new SecureRandom()),
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(7))),
                    subject,
                    pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")
            }));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));

            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("voice", pair.getPrivate(), PASSWORD.toCharArray(), new Certificate[] {certificate});
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("voice", certificate);

            // Files too: another JVM trusts the server through -Djavax.net.ssl.trustStore.
            Path dir = Files.createTempDirectory("standin-voice-tls");
            dir.toFile().deleteOnExit();
            Path keyStore = dir.resolve("voice-server.p12");
            Path trustStore = dir.resolve("voice-trust.p12");
            store(keys, keyStore);
            store(trust, trustStore);

            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD.toCharArray());
            SSLContext server = SSLContext.getInstance("TLS");
            server.init(kmf.getKeyManagers(), null, null);

            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, tmf.getTrustManagers(), null);
            return new SelfSignedCertificate(keyStore, trustStore, server, client);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the voice gateway's certificate", e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate the voice gateway's certificate", e);
        }
    }

    private static void store(KeyStore store, Path file) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
        file.toFile().deleteOnExit();
    }

    /** The server side: the private key and its certificate. */
    public SSLContext serverContext() {
        return serverContext;
    }

    /**
     * A client context trusting only this certificate. For JDA:
     * {@code JDABuilder#setWebsocketFactory(new WebSocketFactory().setSSLContext(cert.clientContext()))};
     * JDA copies that factory for every voice websocket.
     */
    public SSLContext clientContext() {
        return clientContext;
    }

    /** PKCS#12 trust store holding the certificate, password {@link #PASSWORD}, for {@code javax.net.ssl.trustStore}. */
    public Path trustStore() {
        return trustStore;
    }

    public Path keyStore() {
        return keyStore;
    }

    public Certificate certificate() {
        try {
            return load(trustStore).getCertificate("voice");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }
}
