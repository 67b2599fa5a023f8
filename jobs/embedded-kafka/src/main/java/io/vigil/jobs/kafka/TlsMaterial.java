package io.vigil.jobs.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} made at run time with the JDK's {@code keytool}
 * (nothing committed): the broker's PKCS12 key store and a PKCS12 trust store holding that
 * certificate for clients, each with its own random password. Passwords reach keytool through its
 * environment ({@code -storepass:env}), never its command line.
 */
record TlsMaterial(
        Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {
    private static final long KEYTOOL_TIMEOUT_S = 120;

    /** Makes the key store and trust store in {@code dir} (created if missing). */
    static TlsMaterial create(Path dir) {
        try {
            Files.createDirectories(dir);
            Path keyStore = dir.resolve("broker.p12");
            Path cert = dir.resolve("broker.pem");
            Path trustStore = dir.resolve("truststore.p12");
            String keyPw = randomPassword();
            String trustPw = randomPassword();
            Map<String, String> env = Map.of("VIGIL_KS_PW", keyPw, "VIGIL_TS_PW", trustPw);
            keytool(
                    env,
                    "-genkeypair",
                    "-alias",
                    "broker",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-dname",
                    "CN=localhost",
                    "-ext",
                    "SAN=dns:localhost,ip:127.0.0.1",
                    "-validity",
                    "7",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keyStore.toString(),
                    "-storepass:env",
                    "VIGIL_KS_PW");
            keytool(
                    env,
                    "-exportcert",
                    "-rfc",
                    "-alias",
                    "broker",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keyStore.toString(),
                    "-storepass:env",
                    "VIGIL_KS_PW",
                    "-file",
                    cert.toString());
            keytool(
                    env,
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    "broker",
                    "-file",
                    cert.toString(),
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    trustStore.toString(),
                    "-storepass:env",
                    "VIGIL_TS_PW");
            return new TlsMaterial(keyStore, keyPw, trustStore, trustPw);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot make the embedded broker's certificate: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making a certificate", e);
        }
    }

    @Override
    public String toString() {
        return "TlsMaterial[keyStore="
                + keyStore
                + ", trustStore="
                + trustStore
                + "]"; // no passwords
    }

    private static void keytool(Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IllegalStateException(
                    "no keytool at " + keytool + " (a JDK, not a JRE, is needed for SASL_SSL)");
        }
        List<String> command = new ArrayList<>();
        command.add(keytool.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(KEYTOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("keytool " + args[0] + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(
                    "keytool "
                            + args[0]
                            + " failed ("
                            + p.exitValue()
                            + "): "
                            + new String(output, StandardCharsets.UTF_8).strip());
        }
    }

    private static String randomPassword() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
