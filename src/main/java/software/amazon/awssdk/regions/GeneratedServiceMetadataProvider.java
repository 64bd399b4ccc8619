package software.amazon.awssdk.regions;

import software.amazon.awssdk.regions.servicemetadata.ChimeServiceMetadata;
import software.amazon.awssdk.regions.servicemetadata.MessagingChimeServiceMetadata;
import software.amazon.awssdk.regions.servicemetadata.EnhancedS3ServiceMetadata;
import software.amazon.awssdk.regions.servicemetadata.SqsServiceMetadata;

import java.util.Map;

/**
 * The function's stand-in for the SDK's generated table of service metadata (endpoints and signing regions per
 * region). The SDK's own table names all of its 314 services and builds every entry the first time any client is
 * built, because every client resolves its signing region through it; loading those 314 classes was the largest
 * single piece of the first client's build. This table holds the four services the function calls, with the SDK's
 * own generated entries for them, so every answer for them is the SDK's. The build leaves the SDK's table and the
 * other services' entries out of the jar; {@code ServiceMetadataProviderTest} holds this table to the SDK's for the
 * four, so an SDK upgrade that changes them fails the build.
 */
public final class GeneratedServiceMetadataProvider implements ServiceMetadataProvider {
    private static final Map<String, ServiceMetadata> SERVICE_METADATA = Map.of(
            "chime", new ChimeServiceMetadata(),
            "messaging-chime", new MessagingChimeServiceMetadata(),
            "sqs", new SqsServiceMetadata(),
            "s3", new EnhancedS3ServiceMetadata());

    @Override
    public ServiceMetadata serviceMetadata(String endpointPrefix) {
        return SERVICE_METADATA.get(endpointPrefix);
    }
}
