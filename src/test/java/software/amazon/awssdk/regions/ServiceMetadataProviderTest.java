package software.amazon.awssdk.regions;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The function's table of service metadata answers as the SDK's generated one does for every service the function
 * calls, and for no other; the SDK's own table is read from the SDK's regions jar.
 */
class ServiceMetadataProviderTest {
    private static final String TABLE = "software.amazon.awssdk.regions.GeneratedServiceMetadataProvider";

    @Test
    void forTheFourServicesTheFunctionCallsTheEntriesAreTheSdksOwn() throws Exception {
        ServiceMetadataProvider sdk = sdkTable();
        ServiceMetadataProvider function = new GeneratedServiceMetadataProvider();

        for (String prefix : List.of(ChimeClient.SERVICE_METADATA_ID, ChimeSdkMessagingClient.SERVICE_METADATA_ID,
                SqsClient.SERVICE_METADATA_ID, S3Client.SERVICE_METADATA_ID)) {
            ServiceMetadata expected = sdk.serviceMetadata(prefix);
            ServiceMetadata actual = function.serviceMetadata(prefix);
            assertThat(expected).as("the SDK's entry for %s", prefix).isNotNull();
            assertThat(actual).as(prefix).isNotNull().hasSameClassAs(expected);
            assertThat(actual.regions()).as(prefix).isEqualTo(expected.regions());
            for (Region region : List.of(Region.US_EAST_1, Region.EU_WEST_1, Region.EU_CENTRAL_1, Region.AP_SOUTHEAST_1)) {
                assertThat(actual.signingRegion(region)).as("%s in %s", prefix, region)
                        .isEqualTo(expected.signingRegion(region));
                assertThat(actual.endpointFor(region)).as("%s in %s", prefix, region)
                        .isEqualTo(expected.endpointFor(region));
            }
        }
    }

    @Test
    void otherServicesAreNotInTheFunctionsTable() throws Exception {
        ServiceMetadataProvider sdk = sdkTable();
        ServiceMetadataProvider function = new GeneratedServiceMetadataProvider();

        for (String prefix : List.of("dynamodb", "sts", "monitoring", "sns")) {
            assertThat(sdk.serviceMetadata(prefix)).as("the SDK's entry for %s", prefix).isNotNull();
            assertThat(function.serviceMetadata(prefix)).as(prefix).isNull();
        }
        // What a client of such a service would then get: the SDK's fallback, the standard endpoint pattern.
        assertThat(ServiceMetadata.of("dynamodb").endpointFor(Region.EU_WEST_1).toString())
                .isEqualTo("dynamodb.eu-west-1.amazonaws.com");
    }

    @Test
    void theFunctionsTableIsTheOneTheSdkLoads() {
        assertThat(ServiceMetadata.of(ChimeClient.SERVICE_METADATA_ID))
                .hasSameClassAs(new GeneratedServiceMetadataProvider().serviceMetadata("chime"));
        assertThat(GeneratedServiceMetadataProvider.class.getProtectionDomain().getCodeSource().getLocation()
                .getPath()).doesNotEndWith(".jar");
    }

    /** The SDK's generated table, loaded from the regions jar, past the function's class of the same name. */
    private static ServiceMetadataProvider sdkTable() throws Exception {
        URL regionsJar = ServiceMetadata.class.getProtectionDomain().getCodeSource().getLocation();
        assertThat(Path.of(regionsJar.toURI()).getFileName().toString()).startsWith("regions-");
        ClassLoader parent = ServiceMetadataProviderTest.class.getClassLoader();
        URLClassLoader sdkFirst = new URLClassLoader(new URL[] {regionsJar}, parent) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.equals(TABLE)) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    return loaded != null ? loaded : findClass(name);
                }
            }
        };
        Class<?> table = sdkFirst.loadClass(TABLE);
        assertThat(table).isNotSameAs(GeneratedServiceMetadataProvider.class);
        return (ServiceMetadataProvider) table.getDeclaredConstructor().newInstance();
    }
}
