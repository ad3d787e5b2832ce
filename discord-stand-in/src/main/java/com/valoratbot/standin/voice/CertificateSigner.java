package com.valoratbot.standin.voice;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
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
 * The one place that uses Bouncy Castle's certificate builder (the JDK has no public API to sign a
 * certificate). Kept apart from {@link SelfSignedCertificate} so that a kept certificate is loaded
 * without loading Bouncy Castle: its jar is signed, so each class is verified as it loads, and the
 * AOT cache leaves signed jars out.
 */
final class CertificateSigner {

    private CertificateSigner() {}

    /** {@code CN=host} with the subject alternative names {@code DNS:host} and {@code IP:ip}, valid from an hour ago. */
    static X509Certificate selfSigned(KeyPair pair, String host, String ip, Duration validity)
            throws GeneralSecurityException {
        try {
            X500Name subject = new X500Name("CN=" + host);
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject,
                    new BigInteger(63, new SecureRandom()),
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(validity)),
                    subject,
                    pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, host), new GeneralName(GeneralName.iPAddress, ip)
            }));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException | java.io.IOException e) {
            throw new GeneralSecurityException("cannot sign the certificate: " + e.getMessage(), e);
        }
    }
}
