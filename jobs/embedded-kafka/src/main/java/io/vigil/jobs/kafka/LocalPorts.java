package io.vigil.jobs.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on the loopback address for servers this machine starts for itself (an embedded
 * broker, a local Flink cluster). They are drawn at random below the kernel's ephemeral range: a
 * port that {@code ServerSocket(0)} finds free lies in that range, and the kernel can hand it to an
 * outgoing connection (Kafka clients open many) between the check and the server's bind, and the
 * server then fails to start.
 */
public final class LocalPorts {
    static final int FROM = 20_000;

    private LocalPorts() {}

    /** A port free now on the loopback address, below the ephemeral range where it can be. */
    public static int free() throws IOException {
        int low = ephemeralLow();
        for (int i = 0; low > FROM + 100 && i < 200; i++) {
            int port = FROM + ThreadLocalRandom.current().nextInt(low - FROM);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * The first port of {@code net.ipv4.ip_local_port_range} (Linux's default, 32768, where it
     * cannot be read); read by lines: {@code Files.readString} returns one byte of a {@code /proc}
     * file, whose size is 0.
     */
    static int ephemeralLow() {
        try {
            String range =
                    Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
            return Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
