package roommembership.wiring;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the SDK is told instead of looking it up, by where the function runs. */
class SdkLookupsTest {
    private static final Map<String, String> ON_DEMAND = Map.of(
            "AWS_LAMBDA_FUNCTION_NAME", "room-membership",
            "AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand",
            "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY", "secret",
            "AWS_SESSION_TOKEN", "token");

    @Test
    void outsideLambdaTheSdkLooksEverythingUpItself() {
        assertThat(SdkLookups.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "secret"))).isEqualTo(SdkLookups.SDK_DEFAULTS);
    }

    @Test
    void onDemandInLambdaTheCredentialsComeFromTheEnvironmentAndNoProfileFileIsRead() {
        SdkLookups lookups = SdkLookups.fromEnvironment(ON_DEMAND);

        assertThat(lookups.noProfileFiles()).isTrue();
        assertThat(lookups.credentials()).containsInstanceOf(EnvironmentVariableCredentialsProvider.class);
    }

    @Test
    void provisionedConcurrencyIsLikeOnDemand() {
        Map<String, String> env = new HashMap<>(ON_DEMAND);
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "provisioned-concurrency");

        assertThat(SdkLookups.fromEnvironment(env).credentials())
                .containsInstanceOf(EnvironmentVariableCredentialsProvider.class);
    }

    @Test
    void underSnapStartTheDefaultChainFindsTheCredentialsAfterARestore() {
        Map<String, String> env = new HashMap<>(ON_DEMAND);
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");

        SdkLookups lookups = SdkLookups.fromEnvironment(env);

        assertThat(lookups.credentials()).isEmpty();
        assertThat(lookups.noProfileFiles()).isTrue();
    }

    @Test
    void withoutCredentialsInTheEnvironmentTheDefaultChainLooksForThem() {
        Map<String, String> env = new HashMap<>(ON_DEMAND);
        env.remove("AWS_SECRET_ACCESS_KEY");

        assertThat(SdkLookups.fromEnvironment(env).credentials()).isEmpty();
    }

    @Test
    void theProfileFileGivenToTheClientsHasNoProfile() {
        assertThat(SdkLookups.noProfileFile().profiles()).isEmpty();
    }
}
