package dev.gatehouse.tls;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The private key of a PEM {@code tls.key} in the three forms a {@code kubernetes.io/tls} Secret
 * holds: PKCS#8 ({@code PRIVATE KEY}), and cert-manager's defaults PKCS#1 ({@code RSA PRIVATE KEY})
 * and SEC1 ({@code EC PRIVATE KEY}). The JDK reads only PKCS#8, so the other two are wrapped into
 * PKCS#8 first: the same bytes under an algorithm identifier, the curve taken from the SEC1 key.
 */
final class PemPrivateKey {

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----(.*?)-----END \\1-----", Pattern.DOTALL);
  /** rsaEncryption, 1.2.840.113549.1.1.1. */
  private static final byte[] RSA = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
  /** id-ecPublicKey, 1.2.840.10045.2.1. */
  private static final byte[] EC = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
  private static final int INTEGER = 0x02;
  private static final int OCTET_STRING = 0x04;
  private static final int NULL = 0x05;
  private static final int OID = 0x06;
  private static final int SEQUENCE = 0x30;
  /** SEC1's {@code parameters [0]}: the named curve. */
  private static final int SEC1_PARAMETERS = 0xa0;

  private PemPrivateKey() {}

  static PrivateKey read(byte[] pem) throws InvalidTlsPair {
    Matcher block = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    if (!block.find()) {
      throw invalid("holds no PEM private key (PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)");
    }
    String label = block.group(1);
    // OpenSSL's legacy encryption marks the block with headers; PKCS#8's has its own label.
    if (label.startsWith("ENCRYPTED") || block.group(2).contains("Proc-Type:")) {
      throw invalid("holds an encrypted private key; a kubernetes.io/tls Secret holds it unencrypted");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(block.group(2).strip());
      return switch (label) {
        case "RSA PRIVATE KEY" -> generate(List.of("RSA"), pkcs8(concat(tlv(OID, RSA), tlv(NULL, new byte[0])), der));
        case "EC PRIVATE KEY" -> generate(List.of("EC"), pkcs8(concat(tlv(OID, EC), tlv(OID, sec1Curve(der))), der));
        // DSA and RSASSA-PSS are read only to be refused by name rather than as unreadable.
        default -> generate(List.of("EC", "RSA", "EdDSA", "RSASSA-PSS", "DSA"), der);
      };
    } catch (RuntimeException | GeneralSecurityException e) {
      // Neither message is quoted: the JDK's may carry bytes of the key.
      throw invalid("holds a " + label + " block that cannot be read as a private key");
    }
  }

  private static PrivateKey generate(List<String> algorithms, byte[] pkcs8) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String algorithm : algorithms) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  /** The named curve of an ECPrivateKey (RFC 5915): SEQUENCE {version, key, [0] curve, [1] public}. */
  private static byte[] sec1Curve(byte[] der) throws GeneralSecurityException {
    Der key = new Der(new Der(der).next(SEQUENCE));
    key.next(INTEGER);
    key.next(OCTET_STRING);
    while (key.hasNext()) {
      int tag = key.peek();
      byte[] value = key.next(tag);
      if (tag == SEC1_PARAMETERS) {
        return new Der(value).next(OID);
      }
    }
    throw new GeneralSecurityException("the EC key names no curve");
  }

  /** PrivateKeyInfo (RFC 5208): SEQUENCE {version 0, SEQUENCE {algorithm}, OCTET STRING key}. */
  private static byte[] pkcs8(byte[] algorithm, byte[] key) {
    return tlv(SEQUENCE, concat(tlv(INTEGER, new byte[] {0}), tlv(SEQUENCE, algorithm), tlv(OCTET_STRING, key)));
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
    out.write(tag);
    int length = value.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
        out.write(length >>> shift);
      }
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static InvalidTlsPair invalid(String reason) {
    return new InvalidTlsPair(TlsPair.KEY_FILE, reason);
  }

  /** Reads DER elements one after another, refusing (never overrunning) a truncated one. */
  private static final class Der {
    private final byte[] bytes;
    private int position;

    Der(byte[] bytes) {
      this.bytes = bytes;
    }

    boolean hasNext() {
      return position < bytes.length;
    }

    int peek() throws GeneralSecurityException {
      if (!hasNext()) {
        throw new GeneralSecurityException("truncated");
      }
      return bytes[position] & 0xff;
    }

    /** The value of the next element, which must carry {@code tag}. */
    byte[] next(int tag) throws GeneralSecurityException {
      if (peek() != tag) {
        throw new GeneralSecurityException("unexpected element");
      }
      position++;
      int length = octet();
      if (length >= 0x80) {
        int count = length & 0x7f;
        if (count == 0 || count > 3) {
          throw new GeneralSecurityException("unsupported length");
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | octet();
        }
      }
      if (length > bytes.length - position) {
        throw new GeneralSecurityException("truncated");
      }
      byte[] value = Arrays.copyOfRange(bytes, position, position + length);
      position += length;
      return value;
    }

    private int octet() throws GeneralSecurityException {
      if (!hasNext()) {
        throw new GeneralSecurityException("truncated");
      }
      return bytes[position++] & 0xff;
    }
  }
}
