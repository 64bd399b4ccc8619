package roommembership.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import roommembership.emulator.ChimeEmulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sample organisation the events in {@code events/} are written against: one Chime account, its users and
 * three rooms (engineering, sales, leadership) with their current members.
 */
public final class Directory {
    public static final String ACME = "a1b2c3d4-5e6f-4a0b-9c8d-7e6f5a4b3c2d";
    public static final String ENGINEERING = "9f3c2a10-1111-4c1e-8a6b-000000000e01";
    public static final String SALES = "9f3c2a10-2222-4c1e-8a6b-000000000501";
    public static final String LEADERSHIP = "9f3c2a10-3333-4c1e-8a6b-000000000101";

    private Directory() {
    }

    /** Loads the sample organisation into the emulator and returns room id to room name. */
    public static Map<String, String> seed(ChimeEmulator chime) {
        Map<String, String> roomNames = new LinkedHashMap<>();
        try (InputStream in = Directory.class.getResourceAsStream("/directory.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            for (JsonNode account : root.path("accounts")) {
                String accountId = account.path("accountId").asText();
                chime.account(accountId);
                account.path("users").forEach(user -> chime.user(accountId, user.asText()));
                for (JsonNode room : account.path("rooms")) {
                    String roomId = room.path("roomId").asText();
                    chime.room(accountId, roomId);
                    roomNames.put(roomId, room.path("name").asText(roomId));
                    room.path("members").fields().forEachRemaining(member ->
                            chime.member(accountId, roomId, member.getKey(), member.getValue().asText()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return roomNames;
    }
}
