package roommembership.testing;

import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** ElasticMQ on 127.0.0.1 (or an interface given): a real SQS server speaking the SDK's protocol, in this JVM. */
public final class EmbeddedSqs implements AutoCloseable {
    private final SQSRestServer server;
    private final URI endpoint;
    private final SqsClient client;

    private EmbeddedSqs(SQSRestServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        this.client = TestClients.sqs(endpoint);
    }

    public static EmbeddedSqs start() {
        int port = freePort();
        return start("127.0.0.1", port, "127.0.0.1");
    }

    /**
     * ElasticMQ on a given interface and port. Its queue URLs name {@code urlHost}, or with {@code "*"} the host the
     * request was sent to: {@code http://host.docker.internal:9324/...} to a container, {@code 127.0.0.1} here.
     */
    public static EmbeddedSqs start(String interfaceHost, int port, String urlHost) {
        SQSRestServer server = SQSRestServerBuilder
                .withInterface(interfaceHost)
                .withPort(port)
                .withServerAddress(new NodeAddress("http", urlHost, port, ""))
                .withAWSRegion(TestClients.REGION.id())
                .start();
        server.waitUntilStarted();
        String host = "0.0.0.0".equals(interfaceHost) ? "127.0.0.1" : interfaceHost;
        return new EmbeddedSqs(server, URI.create("http://" + host + ":" + port));
    }

    public URI endpoint() {
        return endpoint;
    }

    public SqsClient client() {
        return client;
    }

    /** A new, empty queue with a unique name. */
    public String createQueue(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        return client.createQueue(request -> request.queueName(name)).queueUrl();
    }

    /** Every message now on the queue, received and deleted. */
    public List<Message> drain(String queueUrl) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = client.receiveMessage(request -> request
                    .queueUrl(queueUrl)
                    .maxNumberOfMessages(10)
                    .waitTimeSeconds(0)
                    .messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            batch.forEach(message -> entries.add(DeleteMessageBatchRequestEntry.builder()
                    .id(Integer.toString(entries.size())).receiptHandle(message.receiptHandle()).build()));
            client.deleteMessageBatch(request -> request.queueUrl(queueUrl).entries(entries));
        }
    }

    @Override
    public void close() {
        client.close();
        server.stopAndWait();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
