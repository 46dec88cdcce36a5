package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.clock.Hlc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The value cap counts UTF-8 bytes, whatever the characters: one byte over is refused, the cap itself admitted. */
class ChangeValidatorTest {
    private static final String SITE = "0123456789abcdef0123456789abcdef";

    @Test
    void textValuesAreMeasuredInUtf8BytesAtTheCap() throws Exception {
        ChangeValidator validator = new ChangeValidator(100, 1000, Duration.ofMinutes(5));
        long hlc = Hlc.now();
        List<String> fits = List.of("a".repeat(1000), "€".repeat(333) + "a", "😀".repeat(250), "é".repeat(500));
        List<String> over = List.of("a".repeat(1001), "€".repeat(334), "😀".repeat(250) + "a", "é".repeat(500) + "a");
        List<Change> changes = new ArrayList<>();
        for (String v : fits) changes.add(new Change("t", List.of((long) changes.size()), "v", v, hlc, SITE, 1));
        for (String v : over) changes.add(new Change("t", List.of((long) changes.size()), "v", v, hlc, SITE, 1));
        ChangeValidator.Admission admission = validator.check(new Changeset(SITE, changes));
        assertEquals(fits.size(), admission.admitted().size());
        assertEquals(List.of(4, 5, 6, 7), admission.refused().stream().map(ChangeValidator.Refusal::index).toList());
    }
}
