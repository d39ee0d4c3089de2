package dev.agentmesh.server.http;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;

/** Who owns a connection, read from /proc: the proof a Claude Code hook's request carries of its process. */
class ClaudeHooksTest {

    @Test
    void theProcessThatOpenedAConnectionOwnsItAndNoOtherDoes() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            long me = ProcessHandle.current().pid();
            int clientPort = client.getLocalPort();
            assertThat(accepted.getPort()).isEqualTo(clientPort);
            assertThat(ClaudeHooks.ownsConnection(me, clientPort, server.getLocalPort())).isTrue();
            long parent = ProcessHandle.current().parent().orElseThrow().pid();
            assertThat(ClaudeHooks.ownsConnection(parent, clientPort, server.getLocalPort()))
                    .as("the parent of the owner passes too: the hook script names itself, the curl it runs connects")
                    .isTrue();
            Process other = new ProcessBuilder("sleep", "30").start();
            try {
                assertThat(ClaudeHooks.ownsConnection(other.pid(), clientPort, server.getLocalPort())).isFalse();
            } finally {
                other.destroyForcibly();
            }
            assertThat(ClaudeHooks.ownsConnection(me, clientPort + 1 == server.getLocalPort() ? clientPort + 2 : clientPort + 1,
                    server.getLocalPort())).as("no such connection").isFalse();
            assertThat(ClaudeHooks.ownsConnection(Long.MAX_VALUE, clientPort, server.getLocalPort())).as("no such process").isFalse();
        }
    }
}
