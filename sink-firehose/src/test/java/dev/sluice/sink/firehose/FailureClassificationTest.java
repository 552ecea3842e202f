package dev.sluice.sink.firehose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sink.Delivery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.firehose.model.FirehoseException;

/** Which Firehose errors are worth retrying: the same exceptions the SDK throws for real responses. */
class FailureClassificationTest {

    @ParameterizedTest
    @CsvSource({
        "500,InternalFailure,TRANSIENT", "503,ServiceUnavailableException,TRANSIENT",
        "400,ThrottlingException,TRANSIENT", "429,TooManyRequestsException,TRANSIENT",
        "400,LimitExceededException,TRANSIENT",
        "400,ResourceNotFoundException,PERMANENT", "400,InvalidArgumentException,PERMANENT",
        "403,AccessDeniedException,PERMANENT", "400,InvalidKMSResourceException,PERMANENT",
        // fixed from outside (a refreshed token, a synced clock): retried, bounded by the runtime, not DLQed
        "400,ExpiredTokenException,TRANSIENT", "400,UnrecognizedClientException,TRANSIENT",
        "403,InvalidSignatureException,TRANSIENT", "403,SignatureDoesNotMatch,TRANSIENT",
        "400,RequestExpired,TRANSIENT"})
    void classifiesOperationErrors(int status, String code, Delivery.Outcome expected) {
        FirehoseException e = (FirehoseException) FirehoseException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("m").build()).build();
        Delivery d = FirehoseSink.classify(e);
        assertThat(d.outcome()).isEqualTo(expected);
        assertThat(d.code()).isEqualTo(code);
    }

    @Test
    void unknownCodesFallBackToTheStatus() {
        FirehoseException e = (FirehoseException) FirehoseException.builder().statusCode(502).build();
        assertThat(FirehoseSink.classify(e).outcome()).isEqualTo(Delivery.Outcome.TRANSIENT);
        assertThat(FirehoseSink.classify(e).code()).isEqualTo("http_502");
    }
}
