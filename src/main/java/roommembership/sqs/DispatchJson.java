package roommembership.sqs;

import roommembership.model.Action;
import roommembership.model.Membership;
import roommembership.pipeline.dispatch.Dispatch;
import roommembership.pipeline.plan.Intent;
import roommembership.pipeline.read.MessageParser;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.report.JsonObjects;
import roommembership.target.Target;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bodies of a dispatch on the target queue: requests of the message contract, in the producer's form (a room's
 * form 1, a channel's form 3, a legacy request routed to a channel in its legacy form 1), so that the invocation
 * that takes them reads them as it reads any request, and a letter it writes names what the producer asked.
 */
final class DispatchJson {
    /** Below SQS's 256 KiB, with room for the estimate's slack. */
    static final int MAX_BODY_BYTES = 240_000;
    /** A member's share of a body besides its id: quotes, commas, an item's field names and its Role. */
    private static final int ITEM_OVERHEAD = 48;

    private DispatchJson() {
    }

    /** One body per action (and, for channels, per Type and Role), each of at most 1,000 members and 240 KB. */
    static List<String> bodies(Dispatch dispatch) {
        if (dispatch.rosterTarget()) {
            // A roster's target: the roster and the target's ids, which the trigger reads as "this target only".
            return List.of(JsonObjects.write(json -> {
                json.writeStringField("Roster", dispatch.roster().orElseThrow());
                for (Map.Entry<String, String> id : dispatch.target().idFields()) {
                    json.writeStringField(id.getKey(), id.getValue());
                }
            }));
        }
        Target form = dispatch.routedFrom().map(ParsedMessage.Routed::room).orElse(dispatch.target());
        Map<Shape, List<Item>> shapes = new LinkedHashMap<>();
        for (Intent intent : dispatch.intents()) {
            Membership member = intent.membership();
            String id = dispatch.routedFrom().map(routed -> routed.legacyMemberId(member.memberId()))
                    .orElse(member.memberId());
            // A removal's role is ignored; a list of ARNs shares one Type and Role.
            String role = intent.action() == Action.REMOVE ? null : member.namedRole();
            Shape shape = form.membersAsItems()
                    ? new Shape(intent.action(), null, null)
                    : new Shape(intent.action(), member.type().wireName(), role);
            shapes.computeIfAbsent(shape, s -> new ArrayList<>()).add(new Item(id, role));
        }
        int header = 64 + dispatch.roster().map(uri -> jsonLength(uri) + 12).orElse(0);
        for (Map.Entry<String, String> field : form.idFields()) {
            header += field.getKey().length() + jsonLength(field.getValue()) + 6;
        }
        List<String> bodies = new ArrayList<>();
        for (Map.Entry<Shape, List<Item>> shape : shapes.entrySet()) {
            List<Item> chunk = new ArrayList<>();
            int bytes = header;
            for (Item item : shape.getValue()) {
                int size = jsonLength(item.id()) + ITEM_OVERHEAD;
                if (!chunk.isEmpty() && (chunk.size() == MessageParser.MAX_ITEMS || bytes + size > MAX_BODY_BYTES)) {
                    bodies.add(body(form, shape.getKey(), chunk, dispatch.roster()));
                    chunk = new ArrayList<>();
                    bytes = header;
                }
                chunk.add(item);
                bytes += size;
            }
            bodies.add(body(form, shape.getKey(), chunk, dispatch.roster()));
        }
        return bodies;
    }

    private static String body(Target form, Shape shape, List<Item> items, Optional<String> roster) {
        return JsonObjects.write(json -> {
            for (Map.Entry<String, String> id : form.idFields()) {
                json.writeStringField(id.getKey(), id.getValue());
            }
            json.writeArrayFieldStart(form.memberListField());
            for (Item item : items) {
                writeMember(json, form, item);
            }
            json.writeEndArray();
            if (shape.type() != null) {
                json.writeStringField("Type", shape.type());
            }
            if (shape.role() != null) {
                json.writeStringField("Role", shape.role());
            }
            if (shape.action() == Action.REMOVE) {
                json.writeStringField("Action", Action.REMOVE.wireName());
            }
            if (roster.isPresent()) {
                json.writeStringField("Roster", roster.get());
            }
        });
    }

    private static void writeMember(JsonGenerator json, Target form, Item item) throws IOException {
        if (!form.membersAsItems()) {
            json.writeString(item.id());
            return;
        }
        json.writeStartObject();
        json.writeStringField(form.memberField(), item.id());
        if (item.role() != null) {
            json.writeStringField("Role", item.role());
        }
        json.writeEndObject();
    }

    /** The most characters a value takes in a body whose every character beyond printable ASCII is escaped. */
    static int jsonLength(String value) {
        int length = 2;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            length += c < 0x20 || c > 0x7e ? 6 : c == '"' || c == '\\' ? 2 : 1;
        }
        return length;
    }

    /** What the members of one body share: the action, and for a list of ARNs their Type and Role. */
    private record Shape(Action action, String type, String role) {
    }

    /** A member as the body names it: the producer's id, and its role when the form gives one per item. */
    private record Item(String id, String role) {
    }
}
