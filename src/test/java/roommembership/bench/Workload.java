package roommembership.bench;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import roommembership.emulator.ChimeEmulator;

import java.util.Map;

/** What one end-to-end run asks of the function: its state in the emulator, the event, and the calls it must make. */
interface Workload {
    /** "rooms" or "channels". */
    String conversationKind();

    int conversations();

    int requests();

    /** The API's most members per call: 50 for a room, 100 for a channel. */
    int membersPerCall();

    /** Σ⌈n/membersPerCall⌉ over the conversations. */
    int expectedCalls();

    /** A fresh emulator state holding every conversation (empty) and every user. */
    void seed(ChimeEmulator chime);

    SQSEvent event();

    /** The membership calls the emulator received since {@link #seed}. */
    int callsMade(ChimeEmulator chime);

    /** The function settings this workload needs besides the benchmark's own. */
    Map<String, String> settings();
}
