package roommembership.testing;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * An S3-compatible server on 127.0.0.1 in the test JVM: S3Proxy over jclouds' in-memory store, checking each
 * request's SigV4 signature against the test credentials. The function's S3 client reaches it through its endpoint
 * setting, with path-style addressing as an S3-compatible store needs.
 */
public final class EmbeddedS3 implements AutoCloseable {
    private final S3Proxy proxy;
    private final BlobStoreContext store;
    private final URI endpoint;
    private final S3Client client;

    private EmbeddedS3(S3Proxy proxy, BlobStoreContext store, URI endpoint) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = endpoint;
        this.client = TestClients.s3(endpoint);
    }

    public static EmbeddedS3 start() {
        Properties properties = new Properties();
        BlobStoreContext store = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential").overrides(properties).build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, TestClients.ACCESS_KEY, TestClients.SECRET_KEY)
                .build();
        try {
            proxy.start();
            while (!proxy.getState().equals("STARTED")) {
                Thread.sleep(5);
            }
        } catch (Exception e) {
            store.close();
            throw new IllegalStateException("S3Proxy did not start", e);
        }
        return new EmbeddedS3(proxy, store, URI.create("http://127.0.0.1:" + proxy.getPort()));
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
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        } finally {
            store.close();
        }
    }
}
