package dev.sluice.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPolicyTest {

    private static byte[] nested(int levels) {
        return ("[".repeat(levels - 1) + "{}" + "]".repeat(levels - 1)).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void depthIsCappedAtTheLimitAndTwoLevelsLessForASingleEvent() {
        assertThat(SegmentJson.parse(nested(JsonPolicy.MAX_DEPTH))).isNotNull();
        assertThatThrownBy(() -> SegmentJson.parse(nested(JsonPolicy.MAX_DEPTH + 1)))
                .isInstanceOf(SegmentJson.InvalidJsonException.class).hasMessageContaining("nesting depth");
        byte[] single = ("{\"a\":" + new String(nested(JsonPolicy.MAX_SINGLE_EVENT_DEPTH - 1), StandardCharsets.UTF_8)
                + "}").getBytes(StandardCharsets.UTF_8);
        assertThat(SegmentJson.parseSingleEvent(single)).isNotNull();
        byte[] deeper = ("{\"a\":" + new String(nested(JsonPolicy.MAX_SINGLE_EVENT_DEPTH), StandardCharsets.UTF_8)
                + "}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SegmentJson.parseSingleEvent(deeper)).isInstanceOf(SegmentJson.InvalidJsonException.class);
        // and the deepest single event still reads once stored inside an envelope
        String envelope = "{\"projectId\":\"p\",\"batch\":[" + new String(single, StandardCharsets.UTF_8) + "]}";
        assertThat(SegmentJson.parse(envelope.getBytes(StandardCharsets.UTF_8))).isNotNull();
    }

    @Test
    void duplicateKeysAreRefusedAtAnyDepth() {
        assertThatThrownBy(() -> SegmentJson.parse("{\"a\":{\"b\":1,\"b\":2}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SegmentJson.InvalidJsonException.class).hasMessageContaining("Duplicate field 'b'");
    }

    @Test
    void numbersTooLongOrOutOfBigDecimalRangeAreRefusedWithACode() {
        String hundred = "1".repeat(JsonPolicy.MAX_NUMBER_LENGTH);
        assertThat(SegmentJson.parse(("{\"n\":" + hundred + "}").getBytes(StandardCharsets.UTF_8)).get("n").isNumber())
                .isTrue();
        assertThatThrownBy(() -> SegmentJson.parse(("{\"n\":" + hundred + "1}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SegmentJson.InvalidJsonException.class);
        assertThatThrownBy(() -> SegmentJson.parse("{\"n\":1e9999999999}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(SegmentJson.InvalidJsonException.class,
                        e -> assertThat(e.code()).isEqualTo("number_out_of_range"));
    }

    @ParameterizedTest
    @CsvSource({"0,true", "0e-999,true", "-0.0,true", "1e308,true", "1.7976931348623157e308,true",
        "1.8e308,false", "-1e309,false", "4.9e-324,true", "1e-325,false", "1e400,false", "1e9999999999,false",
        "12345.678,true", "-1E+2,true"})
    void numbersMustFitADouble(String text, boolean inRange) {
        assertThat(JsonPolicy.numberInRange(text)).isEqualTo(inRange);
    }

    @Test
    void treesAreCheckedForNumbersOutOfRange() {
        assertThat(JsonPolicy.numbersInRange(SegmentJson.parse("{\"a\":[1,2.5,{\"b\":1e10}]}"
                .getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(JsonPolicy.numbersInRange(SegmentJson.parse("{\"a\":[1,2.5,{\"b\":1e400}]}"
                .getBytes(StandardCharsets.UTF_8)))).isFalse();
    }

    @Test
    void utf8IsCheckedStrictly() {
        assertThat(Utf8Check.firstInvalid("plain ascii, é, 日本, 😀".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(Utf8Check.firstInvalid(new byte[] {'a', (byte) 0xC3, 0x28})).isEqualTo(1); // bad continuation
        assertThat(Utf8Check.firstInvalid(new byte[] {(byte) 0xC0, (byte) 0xAF})).isEqualTo(0); // overlong '/'
        assertThat(Utf8Check.firstInvalid(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isEqualTo(0); // surrogate
        assertThat(Utf8Check.firstInvalid(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})).isEqualTo(0);
        assertThat(Utf8Check.firstInvalid(new byte[] {'x', (byte) 0xE2, (byte) 0x82})).isEqualTo(1); // truncated
        assertThat(Utf8Check.firstInvalid(new byte[] {(byte) 0xFF})).isEqualTo(0);
        assertThatThrownBy(() -> SegmentJson.parse(new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'}))
                .isInstanceOfSatisfying(SegmentJson.InvalidJsonException.class,
                        e -> assertThat(e.code()).isEqualTo("invalid_utf8"));
    }

    @Test
    void loneSurrogateEscapesReadAndWriteBackUnchanged() {
        byte[] in = "{\"a\":\"x\\ud83d\",\"b\":\"\\udc00y\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(SegmentJson.parse(SegmentJson.toBytes(SegmentJson.parse(in)))).isEqualTo(SegmentJson.parse(in));
    }

    @Test
    void charactersOutsideTheBmpAreWrittenAsUtf8NotEscapedPairs() {
        byte[] in = "{\"k😀\":\"v😀\"}".getBytes(StandardCharsets.UTF_8);
        byte[] out = SegmentJson.toBytes(SegmentJson.parse(in));
        assertThat(out).isEqualTo(in); // escaped pairs would triple the size, and break in a name when read back
        assertThat(SegmentJson.parse(out)).isEqualTo(SegmentJson.parse(in));
    }
}
