package io.vigil.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalPortsTest {

    @Test
    void portsLieBelowTheEphemeralRangeAndCanBeBound() throws Exception {
        int low = LocalPorts.ephemeralLow();
        assertThat(low).isGreaterThan(1024);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            int port = LocalPorts.free();
            assertThat(port).isBetween(LocalPorts.FROM, low - 1);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
            seen.add(port);
        }
        assertThat(seen).hasSizeGreaterThan(10); // drawn at random, not one fixed port
    }

    @Test
    void aPortInUseIsNotHandedOut() throws Exception {
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), LocalPorts.free()));
            for (int i = 0; i < 200; i++) {
                assertThat(LocalPorts.free()).isNotEqualTo(held.getLocalPort());
            }
        }
    }
}
