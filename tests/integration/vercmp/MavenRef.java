// Reference for the maven scheme: Maven's own ComparableVersion (Debian libmaven3-core-java).
// Reads "A<TAB>B" lines from args[0], prints -1, 0 or 1.
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class MavenRef {
  public static void main(String[] args) throws Exception {
    StringBuilder out = new StringBuilder();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      String[] ab = line.split("\t", 2);
      int c = new ComparableVersion(ab[0]).compareTo(new ComparableVersion(ab[1]));
      out.append(Integer.signum(c)).append('\n');
    }
    System.out.print(out);
  }
}
