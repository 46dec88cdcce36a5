package io.syncsqlite.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.ErrorText;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the decoder refuses, and that each refusal says what is wrong. */
class ChangesetCodecRefusalsTest {
    private static final String SITE = "a".repeat(32);

    private static InvalidChangesetException refused(String changes) {
        byte[] json = ("{\"v\":1,\"site\":\"" + SITE + "\",\"changes\":[" + changes + "]}").getBytes(StandardCharsets.UTF_8);
        return assertThrows(InvalidChangesetException.class, () -> ChangesetCodec.decode(json));
    }

    @Test
    void aNullKeyValueIsRefusedNamingTheChange() {
        InvalidChangesetException e = refused("{\"t\":\"todo\",\"pk\":[1],\"c\":null,\"hlc\":1,\"cl\":1},{\"t\":\"todo\",\"pk\":[null],\"c\":null,\"hlc\":1,\"cl\":1}");
        assertTrue(e.getMessage().contains("NULL") && e.getMessage().contains("change 1"), e.getMessage());
    }

    @Test
    void repeatedFieldsAreRefusedInsteadOfLastOneWins() {
        assertTrue(refused("{\"t\":\"todo\",\"pk\":[1],\"c\":\"a\",\"val\":1,\"val\":2,\"hlc\":1,\"cl\":1}").getMessage().contains("duplicate field \"val\""));
        byte[] twoSites = ("{\"v\":1,\"site\":\"" + SITE + "\",\"site\":\"" + "b".repeat(32) + "\",\"changes\":[]}").getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(InvalidChangesetException.class, () -> ChangesetCodec.decode(twoSites)).getMessage().contains("duplicate field \"site\""));
    }

    @Test
    void valuesOverTheLimitAreRefusedOnReadAndOnWrite() throws Exception {
        byte[] big = new byte[ChangesetCodec.MAX_VALUE_BYTES + 1];
        String b64 = Base64.getEncoder().encodeToString(big);
        InvalidChangesetException e = refused("{\"t\":\"t\",\"pk\":[1],\"c\":\"a\",\"val\":{\"b\":\"" + b64 + "\"},\"hlc\":1,\"cl\":1}");
        assertTrue(e.getMessage().contains(ChangesetCodec.MAX_VALUE_BYTES + " bytes"), e.getMessage());
        assertThrows(InvalidChangesetException.class, () -> ChangesetCodec.checkValueSize("é".repeat(ChangesetCodec.MAX_VALUE_BYTES / 2 + 1), "t.a"));
        ChangesetCodec.checkValueSize(new byte[ChangesetCodec.MAX_VALUE_BYTES], "t.a");
        Changeset atLimit = new Changeset(SITE, List.of(new Change("t", List.of(1L), "a", new byte[ChangesetCodec.MAX_VALUE_BYTES], 1, SITE, 1)));
        assertEquals(ChangesetCodec.MAX_VALUE_BYTES, ((byte[]) ChangesetCodec.decode(ChangesetCodec.encode(atLimit)).changes().get(0).value()).length,
                "what a writer may publish, every reader decodes");
    }

    @Test
    void errorTextIsNeverNullAndNeverRawControlCharacters() {
        assertEquals("NullPointerException", ErrorText.of(new NullPointerException()));
        String shown = ErrorText.printable("table \"x\u001b[2J\ny\"");
        assertFalse(shown.chars().anyMatch(Character::isISOControl), shown);
        assertTrue(shown.contains("\\u001b") && shown.contains("\\u000a"), shown);
    }
}
