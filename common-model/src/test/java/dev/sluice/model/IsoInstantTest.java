package dev.sluice.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoInstantTest {

    private static final java.util.regex.Pattern UTC_FORM =
            java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");

    @Test
    void theFastPathReadsWhatSdksSendExactlyAsTheFormatterDoes() {
        for (String t : new String[] {"2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00Z", "2024-02-29T23:59:59.999999999Z",
            "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "1970-01-01T00:00:00.5Z"}) {
            assertThat(IsoInstant.parseUtcFast(t)).as(t).isNotNull()
                    .isEqualTo(IsoInstant.parseWithFormatter(t).orElseThrow());
        }
    }

    @Test
    void theFastPathAgreesWithTheFormatterOnEverythingItAccepts() {
        Random random = new Random(7);
        String digits = "0123456789";
        String[] shapes = {"dddd-dd-ddTdd:dd:ddZ", "dddd-dd-ddTdd:dd:dd.dZ", "dddd-dd-ddTdd:dd:dd.dddZ",
            "dddd-dd-ddTdd:dd:dd.dddddddddZ", "dddd-dd-ddTdd:dd:dd.ddddddddddZ", "dddd-dd-ddTdd:dd:dd.Z",
            "dddd-dd-ddTdd:dd:dd+dd:dd", "dddd-dd-ddTdd:ddZ", "dddd-dd-dd dd:dd:ddZ"};
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder b = new StringBuilder();
            for (char c : shapes[random.nextInt(shapes.length)].toCharArray()) {
                b.append(c == 'd' ? digits.charAt(random.nextInt(i % 2 == 0 ? 10 : 3)) : c);
            }
            String t = b.toString();
            var fast = IsoInstant.parseUtcFast(t);
            if (fast != null) {
                accepted++;
                assertThat(IsoInstant.parseWithFormatter(t)).as(t).contains(fast);
            } else if (UTC_FORM.matcher(t).matches()) {
                // in the fast path's form, it refuses only what the formatter refuses (Feb 30, hour 25, …)
                assertThat(IsoInstant.parseWithFormatter(t)).as(t).isEmpty();
            }
        }
        assertThat(accepted).isGreaterThan(10_000);
    }

    @Test
    void formattingByHandWritesWhatTheFormatterWrites() {
        Random random = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            long seconds = IsoInstant.MIN.getEpochSecond()
                    + (long) (random.nextDouble() * (IsoInstant.MAX.getEpochSecond() - IsoInstant.MIN.getEpochSecond()));
            java.time.Instant t = java.time.Instant.ofEpochSecond(seconds, random.nextInt(1_000_000_000));
            assertThat(IsoInstant.format(t)).isEqualTo(IsoInstant.formatWithFormatter(t));
        }
        assertThat(IsoInstant.format(IsoInstant.MAX)).isEqualTo("9999-12-31T23:59:59.999Z");
        assertThat(IsoInstant.format(IsoInstant.MIN)).isEqualTo("0001-01-01T00:00:00.000Z");
    }
}
