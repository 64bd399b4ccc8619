package roommembership.pipeline.read;

/**
 * Reads a message body in any of the four request forms, optionally inside an SNS notification: forms 1 and 2 for a
 * legacy chat room, forms 3 and 4 for a Chime SDK messaging channel.
 * A pure function: the same body always gives the same result.
 */
public final class MessageParser {
    public static final int MAX_ITEMS = 1_000;
    /** SQS's message size limit, 256 KiB; a body has at most as many characters as bytes. */
    public static final int MAX_BODY_CHARS = 256 * 1024;
    /** Chime user and bot ids are UUIDs; this leaves room for other ids without letting a value grow unbounded. */
    public static final int MAX_MEMBER_ID_CHARS = 256;

    private MessageParser() {
    }

    public static ParsedMessage parse(String body) {
        if (body.length() > MAX_BODY_CHARS) {
            return new ParsedMessage.Invalid("body has " + body.length() + " characters, more than the "
                    + MAX_BODY_CHARS + " an SQS message can hold");
        }
        try {
            BodyFields fields = BodyFields.read(body, "body");
            if ("Notification".equals(fields.type) && fields.message != null) {
                BodyFields inner;
                try {
                    inner = BodyFields.read(fields.message, "SNS Message");
                } catch (BodyFields.Rejection rejection) {
                    return new ParsedMessage.Invalid(rejection.getMessage());
                }
                return RequestForms.toRequest(inner);
            }
            return RequestForms.toRequest(fields);
        } catch (BodyFields.Rejection rejection) {
            return new ParsedMessage.Invalid(rejection.getMessage());
        }
    }


}
