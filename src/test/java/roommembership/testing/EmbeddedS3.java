package roommembership.testing;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Set;
import java.util.concurrent.Executors;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * An S3-compatible server in the test JVM: S3Proxy over jclouds' in-memory store. By default on 127.0.0.1, checking
 * each request's SigV4 signature against the test credentials; the function's S3 client reaches it through its
 * endpoint setting, with path-style addressing as an S3-compatible store needs. For the local stack it takes any
 * client: no signature is checked, and a front drops the session token S3Proxy does not implement (it answers 501 to
 * {@code x-amz-security-token}), which a function run with temporary credentials sends, and a GET's ask for a checksum.
 */
public final class EmbeddedS3 implements AutoCloseable {
    /**
     * Headers the front does not pass on: the signature and the session token, which nothing checks; the checksums
     * S3Proxy does not implement (the SDK and the CLI send them by default, {@code x-amz-checksum-*} too); and the
     * host, which the HTTP client sets itself.
     */
    private static final Set<String> NOT_FORWARDED = Set.of("authorization", "x-amz-security-token",
            "x-amz-sdk-checksum-algorithm", "x-amz-te", "host");

    private final S3Proxy proxy;
    private final BlobStoreContext store;
    private final URI endpoint;
    private final S3Client client;
    private final HttpServer front;

    private EmbeddedS3(S3Proxy proxy, BlobStoreContext store, URI endpoint, HttpServer front) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = endpoint;
        this.front = front;
        this.client = TestClients.s3(endpoint);
    }

    public static EmbeddedS3 start() {
        return start(null);
    }

    /**
     * @param anyClientAt where a store for any client listens (port 0: any free one); null for the tests' store on
     *                    loopback, which checks signatures
     */
    public static EmbeddedS3 start(InetSocketAddress anyClientAt) {
        Properties properties = new Properties();
        BlobStoreContext store = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential").overrides(properties).build(BlobStoreContext.class);
        S3Proxy.Builder builder = S3Proxy.builder()
                .blobStore(store.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"));
        S3Proxy proxy = (anyClientAt == null
                ? builder.awsAuthentication(AuthenticationType.AWS_V2_OR_V4, TestClients.ACCESS_KEY,
                        TestClients.SECRET_KEY)
                : builder.awsAuthentication(AuthenticationType.NONE, null, null)).build();
        try {
            proxy.start();
            while (!proxy.getState().equals("STARTED")) {
                Thread.sleep(5);
            }
        } catch (Exception e) {
            store.close();
            throw new IllegalStateException("S3Proxy did not start", e);
        }
        URI behind = URI.create("http://127.0.0.1:" + proxy.getPort());
        if (anyClientAt == null) {
            return new EmbeddedS3(proxy, store, behind, null);
        }
        HttpServer front;
        try {
            front = HttpServer.create(anyClientAt, 64);
        } catch (IOException e) {
            try {
                proxy.stop();
            } catch (Exception ignored) {
                // already failing
            }
            store.close();
            throw new UncheckedIOException(e);
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // Passed on as it came, but for the signature, the session token and the checksums S3Proxy does not implement.
        front.createContext("/", exchange -> {
            try (exchange) {
                Forwarding.forward(exchange, behind, http,
                        name -> !NOT_FORWARDED.contains(name) && !name.startsWith("x-amz-checksum-"));
            }
        });
        front.setExecutor(Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "s3-front");
            thread.setDaemon(true);
            return thread;
        }));
        front.start();
        String host = anyClientAt.getAddress().isAnyLocalAddress() ? "127.0.0.1"
                : anyClientAt.getAddress().getHostAddress();
        return new EmbeddedS3(proxy, store, URI.create("http://" + host + ":" + front.getAddress().getPort()), front);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A client of the test's own, to set up buckets and objects and read what the function wrote. */
    public S3Client client() {
        return client;
    }

    /** A bucket made in the store itself: the in-memory store knows no region to constrain it to. */
    public void createBucket(String bucket) {
        store.getBlobStore().createContainerInLocation(null, bucket);
    }

    public void put(String bucket, String key, String text) {
        client.putObject(request -> request.bucket(bucket).key(key),
                RequestBody.fromString(text, StandardCharsets.UTF_8));
    }

    public String get(String bucket, String key) {
        return client.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asUtf8String();
    }

    @Override
    public void close() {
        client.close();
        if (front != null) {
            front.stop(0);
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        } finally {
            store.close();
        }
    }
}
