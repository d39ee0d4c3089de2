package dev.agentmesh.mesh.internal;

import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Memorable agent names (SwiftRaven, LunarDust, OakTree) as in pi-messenger, and the rule for valid names. */
public final class Names {
    private static final String[] ADJECTIVES = {"Swift", "Lunar", "Golden", "Silent", "Bright", "Crimson", "Amber",
            "Misty", "Rapid", "Quiet", "Bold", "Clever", "Frosty", "Hidden", "Iron", "Jade", "Keen", "Nimble",
            "Polar", "Rusty", "Solar", "Stormy", "Velvet", "Wild", "Cosmic", "Copper", "Eager", "Gentle", "Noble",
            "Sunny", "Brave", "Calm"};
    private static final String[] NOUNS = {"Raven", "Falcon", "Dust", "Tree", "River", "Comet", "Otter", "Fox",
            "Heron", "Lynx", "Maple", "Nova", "Pine", "Quartz", "Reef", "Sparrow", "Tiger", "Willow", "Wolf",
            "Badger", "Cedar", "Dolphin", "Ember", "Finch", "Glacier", "Harbor", "Meadow", "Orbit", "Pebble",
            "Summit", "Thistle", "Wren"};
    private static final Pattern VALID = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");
    private static final Set<String> RESERVED = Set.of("all", "me", "you", "system");

    private Names() {
    }

    /** @return a random name for which {@code taken} is false; adds a number after many collisions */
    public static String generate(Predicate<String> taken) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; ; i++) {
            String name = ADJECTIVES[r.nextInt(ADJECTIVES.length)] + NOUNS[r.nextInt(NOUNS.length)]
                    + (i < 50 ? "" : String.valueOf(r.nextInt(1000)));
            if (!taken.test(name)) {
                return name;
            }
        }
    }

    /** @return null when valid, else why not (a letter, then up to 63 letters, digits, {@code _ . -}) */
    public static String problem(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            return "agent name '" + dev.agentmesh.Texts.quote(name, 80) + "' is invalid: use a letter, then up to 63 letters, digits, '_', '.' or '-'";
        }
        if (RESERVED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            return "agent name '" + name + "' is reserved";
        }
        return null;
    }
}
