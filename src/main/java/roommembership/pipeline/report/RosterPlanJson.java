package roommembership.pipeline.report;

import com.fasterxml.jackson.core.JsonGenerator;
import roommembership.model.Membership;
import roommembership.pipeline.plan.Reconciliation;
import roommembership.target.Target;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A roster's plan as JSON: what a dry run writes next to the roster as {@code <key>.plan.json}, and what every roster
 * logs, one line per target. Per target: its ids, its members now and the removals the brake allows, then the adds
 * (with role and type), removals, promotions, demotions, held removals and members of another type, with their counts.
 */
public final class RosterPlanJson {

    private RosterPlanJson() {
    }

    /**
     * The whole plan: the roster, whether it was a dry run, every target's part in roster order, and the targets that
     * could not be read, named with why and not planned (a target that does not exist, or the bearer may not read).
     */
    public static String document(String rosterUri, boolean dryRun, Map<Target, Reconciliation> targets,
                                  Map<Target, Unreadable> unreadable) {
        return JsonObjects.write(json -> {
            json.writeStringField("Roster", rosterUri);
            json.writeBooleanField("DryRun", dryRun);
            json.writeArrayFieldStart("Targets");
            for (Map.Entry<Target, Reconciliation> target : targets.entrySet()) {
                json.writeStartObject();
                writeTarget(json, target.getKey(), target.getValue());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("UnreadableTargets");
            for (Map.Entry<Target, Unreadable> target : unreadable.entrySet()) {
                json.writeStartObject();
                for (Map.Entry<String, String> id : target.getKey().idFields()) {
                    json.writeStringField(id.getKey(), id.getValue());
                }
                json.writeStringField("ErrorCode", target.getValue().errorCode());
                json.writeStringField("ErrorMessage", target.getValue().message());
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }

    /** Why a target could not be read. */
    public record Unreadable(String errorCode, String message) {
    }

    /** A roster refused whole: nothing planned, and why (the store's code, or BadRequest and its first bad lines). */
    public static String refused(String rosterUri, boolean dryRun, String errorCode, String message) {
        return JsonObjects.write(json -> {
            json.writeStringField("Roster", rosterUri);
            json.writeBooleanField("DryRun", dryRun);
            json.writeStringField("Refused", errorCode);
            json.writeStringField("ErrorMessage", message);
        });
    }

    /** A roster read whole and handed on target by target, to be planned where each target's requests are. */
    public static String handedOn(String rosterUri, int targets, int lines) {
        return JsonObjects.write(json -> {
            json.writeStringField("Roster", rosterUri);
            json.writeBooleanField("DryRun", false);
            json.writeNumberField("Targets", targets);
            json.writeNumberField("Lines", lines);
        });
    }

    /** One target's part, with the roster it comes from: a log line's fields. */
    public static String target(String rosterUri, boolean dryRun, Target target, Reconciliation plan) {
        return JsonObjects.write(json -> {
            json.writeStringField("Roster", rosterUri);
            json.writeBooleanField("DryRun", dryRun);
            writeTarget(json, target, plan);
        });
    }

    private static void writeTarget(JsonGenerator json, Target target, Reconciliation plan) throws IOException {
        for (Map.Entry<String, String> id : target.idFields()) {
            json.writeStringField(id.getKey(), id.getValue());
        }
        json.writeNumberField("CurrentMembers", plan.currentMembers());
        json.writeNumberField("RemovalsAllowed", plan.removalsAllowed());
        json.writeArrayFieldStart("Adds");
        for (Membership member : plan.adds()) {
            json.writeStartObject();
            json.writeStringField(target.memberField(), member.memberId());
            json.writeStringField("Role", member.role().wireName());
            if (!target.membersAsItems()) {
                json.writeStringField("Type", member.type().wireName());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        ids(json, "Removals", plan.removals());
        ids(json, "Promotions", plan.promotions());
        ids(json, "Demotions", plan.demotions());
        ids(json, "HeldRemovals", plan.heldRemovals());
        ids(json, "TypeMismatches", plan.typeMismatches());
        json.writeObjectFieldStart("Counts");
        json.writeNumberField("Adds", plan.adds().size());
        json.writeNumberField("Removals", plan.removals().size());
        json.writeNumberField("Promotions", plan.promotions().size());
        json.writeNumberField("Demotions", plan.demotions().size());
        json.writeNumberField("HeldRemovals", plan.heldRemovals().size());
        json.writeNumberField("TypeMismatches", plan.typeMismatches().size());
        json.writeEndObject();
    }

    private static void ids(JsonGenerator json, String field, List<String> ids) throws IOException {
        json.writeArrayFieldStart(field);
        for (String id : ids) {
            json.writeString(id);
        }
        json.writeEndArray();
    }
}
