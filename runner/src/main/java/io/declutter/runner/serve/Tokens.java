package io.declutter.runner.serve;

import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API's bearer tokens, as the service reads them from its tokens file (docs/serve.md#tokens): one per line,
 * {@code name role sha256-hex}, comments with {@code #}. Only the SHA-256 of each token is kept: a token is 256 random
 * bits, so its hash cannot be reversed or guessed, and a slow password hash would buy nothing but latency on every
 * call. The file must be readable by its owner only, like an SSH key: the service refuses it otherwise.
 */
public final class Tokens {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /** A client: its name (in the log of every state-changing call), its role and its token's SHA-256. */
    public record Token(String name, Role role, String sha256) {
        public Token {
            Objects.requireNonNull(role, "role");
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a token's name is 1 to 64 letters, digits or _ . @ -, not '"
                        + name + "'");
            }
            if (role == Role.NONE) {
                throw new IllegalArgumentException("a token's role is viewer, operator or admin");
            }
            if (sha256 == null || !HASH.matcher(sha256).matches()) {
                throw new IllegalArgumentException("a token's hash is 64 lower-case hex digits (SHA-256)");
            }
        }
    }

    private final List<Token> tokens;

    public Tokens(List<Token> tokens) {
        this.tokens = List.copyOf(tokens);
        if (this.tokens.stream().map(Token::name).distinct().count() != this.tokens.size()) {
            throw new IllegalArgumentException("token names repeat");
        }
    }

    public List<Token> all() {
        return tokens;
    }

    /** The client whose token this is; empty for an unknown token. Compares hashes in constant time. */
    public Optional<Token> find(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = sha256(presented).getBytes(StandardCharsets.US_ASCII);
        Token found = null;
        for (Token t : tokens) {
            if (MessageDigest.isEqual(hash, t.sha256().getBytes(StandardCharsets.US_ASCII))) {
                found = t;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Reads a tokens file; refuses one its group or others may read or write (exit 2, the service does not start). */
    public static Tokens read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(ExitCodes.BAD_INPUT, "--tokens " + file + ": no such file; create it with 'declutter"
                    + " token add --tokens " + file + " --name NAME --role viewer|operator|admin'");
        }
        requirePrivate(file);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(ExitCodes.BAD_INPUT, "--tokens " + file + ": cannot read it: " + e.getMessage(), e);
        }
        List<Token> read = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = file + " line " + (i + 1) + ": ";
            if (parts.length != 3) {
                throw new UserError(ExitCodes.BAD_INPUT, where + "expected 'name role sha256-hex', found "
                        + parts.length + " fields");
            }
            Role role = Role.parse(parts[1]).orElseThrow(() -> new UserError(ExitCodes.BAD_INPUT, where + "role '"
                    + parts[1] + "' is not viewer, operator or admin"));
            try {
                read.add(new Token(parts[0], role, parts[2]));
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCodes.BAD_INPUT, where + e.getMessage(), e);
            }
        }
        try {
            return new Tokens(read);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCodes.BAD_INPUT, file + ": " + e.getMessage(), e);
        }
    }

    /** Refuses a file whose group or others have any permission: its hashes would let them try tokens offline. */
    static void requirePrivate(Path file) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: nothing to check
        } catch (IOException e) {
            throw new UserError(ExitCodes.BAD_INPUT, "--tokens " + file + ": cannot read its permissions: "
                    + e.getMessage(), e);
        }
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(perms);
        open.retainAll(OTHERS);
        if (!open.isEmpty()) {
            throw new UserError(ExitCodes.BAD_INPUT, "--tokens " + file + " may be read or written by others (mode "
                    + PosixFilePermissions.toString(perms) + "); the service does not start. Make it private:"
                    + " chmod 600 " + file);
        }
    }

    /**
     * Creates a token for a new client: 256 random bits, Base64url. Appends {@code name role sha256} to the file
     * (created with mode 600) and returns the token, which is shown once and kept nowhere else.
     */
    public static String add(Path file, String name, Role role) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Token entry;
        try {
            entry = new Token(name, role, sha256(token));
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCodes.BAD_INPUT, e.getMessage(), e);
        }
        try {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException e) {
                Tokens existing = read(file);
                if (existing.all().stream().anyMatch(t -> t.name().equals(name))) {
                    throw new UserError(ExitCodes.BAD_INPUT, file + " already has a token named '" + name
                            + "'; remove its line first to replace it");
                }
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, entry.name() + " " + entry.role().text() + " " + entry.sha256() + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UserError(ExitCodes.BAD_INPUT, "cannot write " + file + ": " + e.getMessage(), e);
        }
        return token;
    }

    /** Lower-case hex SHA-256 of the token's UTF-8 bytes. */
    public static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java", e);
        }
    }
}
