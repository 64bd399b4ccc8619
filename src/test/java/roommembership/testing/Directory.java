package roommembership.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChimeEmulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sample organisation the events in {@code events/} are written against: one Chime account, its users and
 * three rooms (engineering, sales, leadership) with their current members; and the same people on Chime SDK
 * messaging: one AppInstance with a user per legacy member id, a channel per room (the RoomId as ChannelId) and
 * channels of its own. It is described in {@code events/local-stack.json}, which the local stack seeds too.
 */
public final class Directory {
    public static final String ACME = "a1b2c3d4-5e6f-4a0b-9c8d-7e6f5a4b3c2d";
    public static final String ENGINEERING = "9f3c2a10-1111-4c1e-8a6b-000000000e01";
    public static final String SALES = "9f3c2a10-2222-4c1e-8a6b-000000000501";
    public static final String LEADERSHIP = "9f3c2a10-3333-4c1e-8a6b-000000000101";

    /** The sample organisation's Chime SDK messaging AppInstance, the identity the function calls it as, and its channels. */
    public static final String APP_INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/acme-hr-0001";
    public static final String BEARER = APP_INSTANCE + "/user/hr-sync";
    public static final String CHANNEL_ARN_TEMPLATE = APP_INSTANCE + "/channel/{RoomId}";
    public static final String MEMBER_ARN_TEMPLATE = APP_INSTANCE + "/user/{MemberId}";
    public static final String GENERAL = channel("general");
    public static final String ANNOUNCEMENTS = channel("announcements");
    public static final String NEW_JOINERS = channel("new-joiners");
    public static final String BOT = APP_INSTANCE + "/bot/onboarding-assistant";

    /** The organisation's file, shared with the local stack (relative to the project directory). */
    public static final Path FILE = Path.of("events", "local-stack.json");

    private Directory() {
    }

    public static String channel(String channelId) {
        return APP_INSTANCE + "/channel/" + channelId;
    }

    public static String user(String userId) {
        return APP_INSTANCE + "/user/" + userId;
    }

    /** The settings that give the function its bearer and route the legacy account's rooms to their channels. */
    public static Map<String, String> routedToChannels() {
        return Map.of("CHIME_BEARER_ARN", BEARER, "CHANNEL_ARN_TEMPLATE", CHANNEL_ARN_TEMPLATE,
                "MEMBER_ARN_TEMPLATE", MEMBER_ARN_TEMPLATE);
    }

    /** Loads the sample organisation into the emulator and returns room id, and channel ARN, to its name. */
    public static Map<String, String> seed(ChimeEmulator chime) {
        return seed(chime, FILE);
    }

    /** Loads an organisation described as in {@link #FILE} into the emulator; room id, and channel ARN, to name. */
    public static Map<String, String> seed(ChimeEmulator chime, Path file) {
        Map<String, String> roomNames = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file)) {
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
            seedMessaging(chime.channels(), root.path("messaging"), roomNames);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return roomNames;
    }

    private static void seedMessaging(ChannelsApi channels, JsonNode messaging, Map<String, String> names) {
        channels.appInstance(messaging.path("appInstanceArn").asText());
        messaging.path("users").forEach(user -> channels.user(user.asText()));
        messaging.path("bots").forEach(bot -> channels.bot(bot.asText()));
        for (JsonNode channel : messaging.path("channels")) {
            String channelArn = channel.path("channelArn").asText();
            channels.channel(channelArn);
            names.put(channelArn, channel.path("name").asText(channelArn));
            channel.path("members").fields().forEachRemaining(member ->
                    channels.member(channelArn, member.getKey(), member.getValue().asText()));
            channel.path("moderators").forEach(moderator -> channels.moderator(channelArn, moderator.asText()));
        }
    }
}
