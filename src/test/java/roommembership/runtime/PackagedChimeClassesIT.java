package roommembership.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shade filters keep only part of the two Chime SDK modules, of S3 and of SQS. Every class they keep must link on this JVM with the
 * jar alone: a dropped class that a kept one needs for its verification would fail here, not at a first call on
 * Lambda. Other operations' request classes are kept only for the client's verification, which loads them without
 * linking them, so they are loaded, not linked.
 */
class PackagedChimeClassesIT {
    private static final List<String> PACKAGES = List.of(
            "software/amazon/awssdk/services/chime/", "software/amazon/awssdk/services/chimesdkmessaging/",
            "software/amazon/awssdk/services/s3/", "software/amazon/awssdk/services/sqs/");

    @Test
    void everyKeptChimeClassLinksWithTheJarAlone() throws Exception {
        List<String> classes = chimeClasses();
        Set<String> present = Set.copyOf(classes);
        List<String> failures = new ArrayList<>();
        int linked = 0;
        int loadedOnly = 0;
        try (URLClassLoader jar = new URLClassLoader(new URL[] {LambdaLaunch.functionJar().toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (String name : classes) {
                // Without its builder, a request class is one of the operations the function never calls.
                boolean verificationOnly = name.endsWith("Request") && !present.contains(name + "$Builder");
                try {
                    Class.forName(name, !verificationOnly, jar);
                    if (verificationOnly) {
                        loadedOnly++;
                    } else {
                        linked++;
                    }
                } catch (LinkageError | ClassNotFoundException e) {
                    failures.add(name + ": " + e);
                }
            }
        }

        assertThat(failures).isEmpty();
        assertThat(linked).as("classes linked").isGreaterThan(400);
        assertThat(loadedOnly).as("other operations' request classes").isGreaterThan(100);
    }

    @Test
    void theClientsAreThereAndTheAsyncClientsAreNot() throws IOException {
        List<String> classes = chimeClasses();

        assertThat(classes).contains(
                        "software.amazon.awssdk.services.chime.DefaultChimeClient",
                        "software.amazon.awssdk.services.chime.transform.BatchCreateRoomMembershipRequestMarshaller",
                        "software.amazon.awssdk.services.chimesdkmessaging.DefaultChimeSdkMessagingClient",
                        "software.amazon.awssdk.services.chimesdkmessaging.transform."
                                + "BatchCreateChannelMembershipRequestMarshaller")
                .contains("software.amazon.awssdk.services.s3.DefaultS3Client",
                        "software.amazon.awssdk.services.s3.transform.GetObjectRequestMarshaller",
                        "software.amazon.awssdk.services.s3.transform.PutObjectRequestMarshaller",
                        "software.amazon.awssdk.services.sqs.DefaultSqsClient",
                        "software.amazon.awssdk.services.sqs.transform.SendMessageBatchRequestMarshaller")
                // No async client (a service's own package; S3's internal interceptors have async variants).
                .noneMatch(name -> name.matches("software[.]amazon[.]awssdk[.]services[.]\\w+[.]\\w*Async\\w*"))
                .noneMatch(name -> name.contains(".paginators."));
    }

    private static List<String> chimeClasses() throws IOException {
        try (ZipFile jar = new ZipFile(LambdaLaunch.functionJar().toFile())) {
            return jar.stream().map(ZipEntry::getName)
                    .filter(name -> name.endsWith(".class") && PACKAGES.stream().anyMatch(name::startsWith))
                    .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
                    .collect(Collectors.toList());
        }
    }
}
