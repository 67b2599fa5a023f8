package io.vigil.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StandaloneFlinkTest {

    @Test
    void freePortsLieBelowTheEphemeralRangeAndCanBeBound() throws Exception {
        int low =
                Integer.parseInt(
                        Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                                .get(0)
                                .trim()
                                .split("\\s+")[0]);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            int port = StandaloneFlink.freePort();
            assertThat(port).isBetween(20_000, low - 1);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("localhost", port));
            }
            seen.add(port);
        }
        assertThat(seen).hasSizeGreaterThan(10); // drawn at random, not one fixed port
    }

    @Test
    void aPortInUseIsNotHandedOut() throws Exception {
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress("localhost", StandaloneFlink.freePort()));
            for (int i = 0; i < 200; i++) {
                assertThat(StandaloneFlink.freePort()).isNotEqualTo(held.getLocalPort());
            }
        }
    }
}
