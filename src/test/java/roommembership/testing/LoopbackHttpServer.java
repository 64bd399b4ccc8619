package roommembership.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A JDK HTTP server on 127.0.0.1, an ephemeral port (or an address given), answering without Nagle delays. */
public final class LoopbackHttpServer {
    private LoopbackHttpServer() {
    }

    public static HttpServer create(int backlog) {
        try {
            return create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), backlog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve 127.0.0.1", e);
        }
    }

    /** The same server on a given address and port: the local stack's fixed ports, reachable from a container. */
    public static HttpServer create(InetSocketAddress address, int backlog) {
        // The JDK server writes headers and body apart; with Nagle on, each answer waits out the client's delayed
        // ACK (about 40 ms). Read once, when the first server of the JVM is made.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            return HttpServer.create(address, backlog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a server on " + address, e);
        }
    }
}
