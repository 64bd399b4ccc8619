package roommembership.testing;

import roommembership.pipeline.read.MessageParser;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.read.RejectedItem;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The request schema and the parser give the same answer on a body: the schema refuses it exactly when the parser
 * refuses the message ({@link ParsedMessage.Invalid}) or at least one of its members (a rejected item), unless every
 * refusal is one of the {@link Difference}s docs/message-contract.md lists.
 */
public final class SchemaAgreement {

    /** What a schema cannot state; each refused by the parser while the schema takes the body. */
    public enum Difference {
        /** A JSON Schema validates the value a reader made of the text; a repeated key is gone by then. */
        DUPLICATE_KEY(reason -> reason.contains("Duplicate field")),
        /** The reader's own limits: depth, name and number lengths, and the SQS body size, are not properties of a value. */
        READER_LIMIT(reason -> reason.contains("exceeds the maximum allowed") || reason.contains("an SQS message can hold")),
        /** A schema sees characters; a lone UTF-16 half is one only in some languages' strings. */
        UNPAIRED_SURROGATE(reason -> reason.contains("unpaired surrogate")),
        /** A schema cannot compare one field's part with another's. */
        OTHER_APP_INSTANCE(reason -> reason.contains("belongs to the AppInstance"));

        private final Predicate<String> explains;

        Difference(Predicate<String> explains) {
            this.explains = explains;
        }

        public boolean explains(String reason) {
            return explains.test(reason);
        }
    }

    /** Both answers on one body. */
    public record Verdict(List<String> schemaProblems, List<String> parserRefusals) {
        public boolean schemaRefuses() {
            return !schemaProblems.isEmpty();
        }

        public boolean parserRefuses() {
            return !parserRefusals.isEmpty();
        }

        /** The listed difference that explains every refusal of a body the schema takes, if there is one. */
        public Optional<Difference> difference() {
            if (schemaRefuses() || !parserRefuses()) {
                return Optional.empty();
            }
            for (Difference difference : Difference.values()) {
                if (parserRefusals.stream().allMatch(difference::explains)) {
                    return Optional.of(difference);
                }
            }
            return Optional.empty();
        }

        public boolean agrees() {
            return schemaRefuses() == parserRefuses() || difference().isPresent();
        }
    }

    private SchemaAgreement() {
    }

    public static Verdict verdict(String body) {
        ParsedMessage parsed = MessageParser.parse(body);
        List<String> refusals = parsed instanceof ParsedMessage.Invalid invalid ? List.of(invalid.reason())
                : ((ParsedMessage.Request) parsed).rejected().stream().map(RejectedItem::reason).toList();
        return new Verdict(ContractSchemas.requestProblems(body), refusals);
    }

    /** Fails unless the schema and the parser agree on the body, or differ only as docs/message-contract.md lists. */
    public static void assertAgrees(String body) {
        Verdict verdict = verdict(body);
        if (!verdict.agrees()) {
            throw new AssertionError("the request schema " + (verdict.schemaRefuses() ? "refuses" : "takes")
                    + " a body the parser " + (verdict.parserRefuses() ? "refuses" : "takes") + ": schema "
                    + verdict.schemaProblems() + ", parser " + cut(verdict.parserRefusals().toString()) + "\n"
                    + cut(body));
        }
    }

    private static String cut(String text) {
        return text.length() <= 1_000 ? text : text.substring(0, 1_000) + "... (" + text.length() + " characters)";
    }
}
