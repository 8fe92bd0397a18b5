package io.tailkeep.store.cassandra.node;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Asks a native-protocol port whether it serves CQL yet: an open port is not enough, since Cassandra binds it
 * before it can answer. Sends a protocol v4 OPTIONS frame and expects SUPPORTED back.
 */
final class CqlProbe {

  private static final int TIMEOUT_MILLIS = 2_000;
  private static final byte OPCODE_SUPPORTED = 0x06;
  // version 4 request, no flags, stream 0, opcode OPTIONS, empty body
  private static final byte[] OPTIONS_FRAME = {0x04, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00};
  private static final int HEADER_LENGTH = 9;

  private CqlProbe() {}

  static boolean answers(InetSocketAddress address) {
    try (Socket socket = new Socket()) {
      socket.connect(address, TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write(OPTIONS_FRAME);
      out.flush();
      byte[] header = new byte[HEADER_LENGTH];
      new DataInputStream(socket.getInputStream()).readFully(header);
      return header[4] == OPCODE_SUPPORTED;
    } catch (IOException e) {
      return false;
    }
  }
}
