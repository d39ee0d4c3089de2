package dev.agentmesh.mesh;

import dev.agentmesh.MeshException;
import dev.agentmesh.mesh.internal.Glob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reservation glob: every operator, its refusals with a column, and matching without backtracking. */
class GlobTest {

    @ParameterizedTest(name = "{0} matches {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "src/a.js | src/a.js | true",
            "src/a.js | src/a.jsx | false",
            "src/*.js | src/a.js | true",
            "src/*.js | src/.js | true",
            "src/*.js | src/x/a.js | false",
            "* | a | true",
            "* | a/b | false",
            "src/** | src/a/b/c.js | true",
            "src/** | src/ | true",
            "src/** | src | false",
            "src/**/*.js | src/a.js | true",
            "src/**/*.js | src/x/y/a.js | true",
            "src/**/*.js | srca.js | false",
            "src/**/*.js | src/x/a.ts | false",
            "**/*.js | a.js | true",
            "**/*.js | x/y/a.js | true",
            "src/**/test/*.js | src/test/a.js | true",
            "src/**/test/*.js | src/a/test/b.js | true",
            "a**b | a/x/y/b | true",
            "a**b | ab | true",
            "src/?.js | src/a.js | true",
            "src/?.js | src/ab.js | false",
            "a?b | a/b | false",
            "[abc].js | b.js | true",
            "[abc].js | d.js | false",
            "[a-z]1 | q1 | true",
            "[a-z]1 | Q1 | false",
            "[!a].js | b.js | true",
            "[!a].js | a.js | false",
            "[^a].js | a.js | false",
            "x[!a]y | x/y | false",
            "x[!-~]y | x/y | false",
            "[a-]x | -x | true",
            "[[]x | [x | true",
            "src/{a,b,c}.js | src/b.js | true",
            "src/{a,b,c}.js | src/d.js | false",
            "src/{a,{b,c}}.js | src/c.js | true",
            "src/{a,{b,c}}.js | src/bc.js | false",
            "{src,lib}/**/*.{js,ts} | lib/x/y.ts | true",
            "{src,lib}/**/*.{js,ts} | doc/x/y.ts | false",
            "a{,b}c | ac | true",
            "a{,b}c | abc | true",
            "a,b | a,b | true",
            "a\\b | a\\b | true",
            "src/?.txt | src/\uD83D\uDE00.txt | true",
            "src/??.txt | src/\uD83D\uDE00.txt | false",
            "src/[\uD83D\uDE00-\uD83D\uDE02].txt | src/\uD83D\uDE01.txt | true",
            "src/[\uD83D\uDE00-\uD83D\uDE02].txt | src/\uD83D\uDE03.txt | false",
            "src/\uD83D\uDE00* | src/\uD83D\uDE00x | true",
    })
    void matchesWholePaths(String pattern, String path, boolean expected) {
        assertThat(Glob.compile(pattern).matches(path)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "src/[|pattern 'src/[' has a '[' at column 5 that is never closed",
            "src/[abc|pattern 'src/[abc' has a '[' at column 5 that is never closed",
            "src/{a|pattern 'src/{a' has a '{' at column 5 that is never closed",
            "src/{a,{b}|pattern 'src/{a,{b}' has a '{' at column 5 that is never closed",
            "src/[a/b]|pattern 'src/[a/b]' has a '/' inside [...] at column 7; a character class matches one character of a name",
            "src/[!]|pattern 'src/[!]' has an empty character class at column 5",
            "src/[]|pattern 'src/[]' has an empty character class at column 5",
            "src/a}.js|pattern 'src/a}.js' has a '}' at column 6 with no '{' before it",
            "{a,b}}|pattern '{a,b}}' has a '}' at column 6 with no '{' before it",
            "src/[z-a]|pattern 'src/[z-a]' has a reversed range 'z-a' at column 6",
    })
    void aMalformedGlobIsRefusedInOneLineWithItsColumn(String pattern, String message) {
        assertThatThrownBy(() -> Glob.compile(pattern)).isInstanceOf(MeshException.class).hasMessage(message);
    }

    @Test
    void limitsAreNamedInTheError() {
        assertThatThrownBy(() -> Glob.compile("")).hasMessage("glob pattern is empty");
        assertThatThrownBy(() -> Glob.compile("a".repeat(1025))).hasMessageEndingWith("has 1025 characters; the limit is 1024");
        assertThatThrownBy(() -> Glob.compile("?".repeat(257)))
                .hasMessageEndingWith("has more than 256 wildcards, classes and braces (column 257); the limit is 256");
        assertThatThrownBy(() -> Glob.compile("{".repeat(9) + "a" + "}".repeat(9)))
                .hasMessageEndingWith("nests braces deeper than 8 at column 9; the limit is 8");
        assertThat(Glob.compile("{".repeat(8) + "a" + "}".repeat(8)).matches("a")).isTrue();
        assertThat(Glob.compile("?".repeat(256)).matches("x".repeat(256))).isTrue();
    }

    @Test
    void aPathologicalPatternIsAnsweredWithoutBacktracking() {
        Glob g = Glob.compile("src/*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");

        assertThat(g.matches("src/" + "a".repeat(30) + ".js")).isFalse();
        assertThat(g.matches("src/" + "a".repeat(100_000))).isFalse();
        assertThat(g.matches("src/" + "a".repeat(100_000) + "b")).isTrue();
    }

    @ParameterizedTest(name = "{0} & {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "src/*.js | src/a* | true",
            "lib/*.js | src/*.js | false",
            "src/*.js | src/*.ts | false",
            "{a,b}/x | b/* | true",
            "src/** | src/a/b.js | true",
            "src/**/*.js | src/*/x.ts | false",
            "src/**/*.js | **/a.js | true",
            "*.{js,ts} | *.ts | true",
            "[a-c]* | [!a-c]* | false",
            "src/? | src/ab | false",
            "a* | *b | true",
            "src/* | src/*/* | false",
    })
    void intersectsIsExactAndSymmetric(String a, String b, boolean expected) {
        assertThat(Glob.intersects(Glob.compile(a), Glob.compile(b))).isEqualTo(expected);
        assertThat(Glob.intersects(Glob.compile(b), Glob.compile(a))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} under {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "src/*.js | src/ | true",
            "src/*.js | lib/ | false",
            "src/** | src/deep/ | true",
            "src/*.js | src/deep/ | false",
            "**/*.js | any/ | true",
            "src* | src/ | false",
            "{src,lib}/a.js | lib/ | true",
            "src/a.js | src/a.js | true",
    })
    void matchesSomethingUnderAFolder(String pattern, String prefix, boolean expected) {
        assertThat(Glob.compile(pattern).matchesSomethingUnder(prefix)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{..,x}/secret", "[.][.]/s", "?./etc", "*/../x", "..", "src/./*.js", "src/{a,.}/*.js",
            "src/[.a]/x", "src/?"})
    void aPatternThatSpellsADotNameIsFound(String pattern) {
        assertThat(Glob.compile(pattern).canMatchDotSegment()).isTrue();
    }

    /** A name with a wildcard run in it does not count as '.' or '..', else every src/** would. */
    @ParameterizedTest
    @ValueSource(strings = {"src/**", "src/**/*.js", "src/*", "**", ".*rc", "src/.*", "src/*.js", "src/..a/*", "src/.../*"})
    void aNameWithAWildcardRunIsNotADotName(String pattern) {
        assertThat(Glob.compile(pattern).canMatchDotSegment()).isFalse();
    }

    @Test
    void theLiteralPrefixEndsAtTheFirstOperator() {
        assertThat(Glob.compile("src/a*.js").literalPrefix()).isEqualTo("src/a");
        assertThat(Glob.compile("{a,b}").literalPrefix()).isEmpty();
        assertThat(Glob.compile("src/x.js").literalPrefix()).isEqualTo("src/x.js");
    }
}
