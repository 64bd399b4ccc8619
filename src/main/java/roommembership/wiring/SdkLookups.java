package roommembership.wiring;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Optional;

/**
 * What the SDK would otherwise look up for each client, at its build and at its first call: the credentials (a chain
 * of six providers, the instance-metadata one among them) and the shared config and credentials files. In Lambda the
 * answers are known: there are no such files, and on demand the credentials are in the environment. Outside Lambda
 * (tests, a local run) the SDK looks them up itself, as it always does.
 *
 * @param credentials the credentials provider to give every client; empty: the SDK's default chain
 * @param noProfileFiles whether to tell every client that there is no shared config or credentials file
 */
public record SdkLookups(Optional<AwsCredentialsProvider> credentials, boolean noProfileFiles) {
    /** The SDK looks everything up itself. */
    public static final SdkLookups SDK_DEFAULTS = new SdkLookups(Optional.empty(), false);

    /**
     * In Lambda ({@code AWS_LAMBDA_FUNCTION_NAME} set): no profile files; and the environment's credentials, unless
     * this is a SnapStart environment, where Lambda serves them from the container credentials endpoint instead and
     * the default chain is what finds them after a restore.
     */
    public static SdkLookups fromEnvironment(Map<String, String> env) {
        if (blank(env.get("AWS_LAMBDA_FUNCTION_NAME"))) {
            return SDK_DEFAULTS;
        }
        boolean snapStart = "snap-start".equals(env.get("AWS_LAMBDA_INITIALIZATION_TYPE"));
        boolean inEnvironment = !blank(env.get("AWS_ACCESS_KEY_ID")) && !blank(env.get("AWS_SECRET_ACCESS_KEY"));
        return new SdkLookups(snapStart || !inEnvironment ? Optional.empty()
                : Optional.of(EnvironmentVariableCredentialsProvider.create()), true);
    }

    /** A profile file with no profile: what the SDK finds in Lambda, without looking for it. */
    static ProfileFile noProfileFile() {
        return ProfileFile.builder().content(new ByteArrayInputStream(new byte[0]))
                .type(ProfileFile.Type.CONFIGURATION).build();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
