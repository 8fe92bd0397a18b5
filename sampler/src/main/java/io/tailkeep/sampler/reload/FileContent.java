package io.tailkeep.sampler.reload;

import io.tailkeep.sampler.rules.RulesFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One read of a rules file: its text and SHA-256, or why it could not be read (with the SHA-256 if
 * it was read but is not text).
 *
 * @param missing whether the file does not exist (then {@code problem} says so)
 */
record FileContent(String text, String sha256, String problem, boolean missing) {

  boolean unreadable() {
    return problem != null;
  }

  /** What a check compares with the previous one: the content's SHA-256, or why it was not read. */
  String seen() {
    return sha256 != null ? sha256 : problem;
  }

  static FileContent read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new FileContent(null, null, file + ": no such file", true);
    } catch (AccessDeniedException e) {
      return new FileContent(null, null, file + ": cannot read the file: permission denied", false);
    } catch (IOException e) {
      return new FileContent(null, null, file + ": cannot read the file: " + e, false);
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return new FileContent(text, RulesFile.sha256(bytes), null, false);
    } catch (CharacterCodingException e) {
      return new FileContent(null, RulesFile.sha256(bytes), file + ": not valid UTF-8", false);
    }
  }
}
