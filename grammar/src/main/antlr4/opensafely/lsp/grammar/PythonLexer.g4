/*
 * Tokens of Python 3 source (3.8 .. 3.12 syntax as used by OpenSAFELY studies).
 *
 * Layout tokens are not produced here: PythonLexerBase turns physical NEWLINE tokens into
 * logical ones (dropping those inside brackets and on blank lines) and synthesises INDENT and
 * DEDENT from the width of each logical line's leading whitespace. It also promotes the soft
 * keywords `match` / `case` to MATCH / CASE when they open a match statement or a case clause.
 *
 * Strings of every prefix (r, b, u, f and their combinations, any case) and quoting style are one
 * STRING token; the replacement fields of f-strings are found afterwards by FStringFields.
 */
lexer grammar PythonLexer;

options {
    superClass = PythonLexerBase;
}

tokens {
    INDENT,
    DEDENT,
    MATCH,
    CASE
}

// ---------------------------------------------------------------- keywords
FALSE    : 'False';
NONE     : 'None';
TRUE     : 'True';
AND      : 'and';
AS       : 'as';
ASSERT   : 'assert';
ASYNC    : 'async';
AWAIT    : 'await';
BREAK    : 'break';
CLASS    : 'class';
CONTINUE : 'continue';
DEF      : 'def';
DEL      : 'del';
ELIF     : 'elif';
ELSE     : 'else';
EXCEPT   : 'except';
FINALLY  : 'finally';
FOR      : 'for';
FROM     : 'from';
GLOBAL   : 'global';
IF       : 'if';
IMPORT   : 'import';
IN       : 'in';
IS       : 'is';
LAMBDA   : 'lambda';
NONLOCAL : 'nonlocal';
NOT      : 'not';
OR       : 'or';
PASS     : 'pass';
RAISE    : 'raise';
RETURN   : 'return';
TRY      : 'try';
WHILE    : 'while';
WITH     : 'with';
YIELD    : 'yield';

// ---------------------------------------------------------------- literals and names
// A terminated string always wins over UNTERMINATED_STRING: it is longer by its closing quote(s).
STRING
    : STRING_PREFIX? ( LONG_STRING | SHORT_STRING )
    ;

// Reported as an error by PythonLexerBase and handed to the parser as a STRING, so a string the
// user is still typing does not swallow the structure of the rest of the file.
UNTERMINATED_STRING
    : STRING_PREFIX?
      ( '\'' ( ~[\\\r\n'] | ESCAPE )*
      | '"' ( ~[\\\r\n"] | ESCAPE )*
      | '\'\'\'' ( ~[\\'] | ESCAPE | '\'' ~[\\'] | '\'\'' ~[\\'] )*
      | '"""' ( ~[\\"] | ESCAPE | '"' ~[\\"] | '""' ~[\\"] )*
      )
    ;

NUMBER
    : ( DECIMAL_INTEGER | HEX_INTEGER | OCT_INTEGER | BIN_INTEGER | FLOAT_NUMBER )
    | ( FLOAT_NUMBER | DIGIT_PART ) [jJ]
    ;

NAME
    : ID_START ID_CONTINUE*
    ;

// ---------------------------------------------------------------- operators and delimiters
LPAR        : '(';
RPAR        : ')';
LSQB        : '[';
RSQB        : ']';
LBRACE      : '{';
RBRACE      : '}';
ELLIPSIS    : '...';
DOT         : '.';
COMMA       : ',';
COLONEQUAL  : ':=';
COLON       : ':';
SEMI        : ';';
RARROW      : '->';
PLUSEQUAL   : '+=';
MINEQUAL    : '-=';
STAREQUAL   : '*=';
SLASHEQUAL  : '/=';
DSLASHEQUAL : '//=';
PERCENTEQUAL: '%=';
ATEQUAL     : '@=';
AMPEREQUAL  : '&=';
VBAREQUAL   : '|=';
CIRCUMEQUAL : '^=';
RSHIFTEQUAL : '>>=';
LSHIFTEQUAL : '<<=';
DSTAREQUAL  : '**=';
DSTAR       : '**';
STAR        : '*';
DSLASH      : '//';
SLASH       : '/';
PERCENT     : '%';
AT          : '@';
PLUS        : '+';
MINUS       : '-';
TILDE       : '~';
LSHIFT      : '<<';
RSHIFT      : '>>';
AMPER       : '&';
VBAR        : '|';
CIRCUMFLEX  : '^';
EQEQUAL     : '==';
NOTEQUAL    : '!=';
LESSEQUAL   : '<=';
GREATEREQUAL: '>=';
LESS        : '<';
GREATER     : '>';
EQUAL       : '=';

// ---------------------------------------------------------------- layout and trivia
NEWLINE
    : '\r'? '\n'
    | '\r'
    ;

// A backslash at the end of a line joins it to the next one: no NEWLINE, no indentation.
LINE_CONTINUATION
    : '\\' [ \t]* ( '\r'? '\n' | '\r' ) -> channel(HIDDEN)
    ;

WS
    : [ \t\f]+ -> channel(HIDDEN)
    ;

COMMENT
    : '#' ~[\r\n]* -> channel(HIDDEN)
    ;

// Anything else (`$`, `?`, a stray backslash): reported by PythonLexerBase, then hidden.
ERROR_CHAR
    : .
    ;

// ---------------------------------------------------------------- fragments
fragment STRING_PREFIX
    : [rRuUbBfF]
    | [bB] [rR]
    | [rR] [bB]
    | [fF] [rR]
    | [rR] [fF]
    ;

fragment SHORT_STRING
    : '\'' ( ~[\\\r\n'] | ESCAPE )* '\''
    | '"' ( ~[\\\r\n"] | ESCAPE )* '"'
    ;

fragment LONG_STRING
    : '\'\'\'' ( ~'\\' | ESCAPE )*? '\'\'\''
    | '"""' ( ~'\\' | ESCAPE )*? '"""'
    ;

// Raw strings too cannot end with a lone backslash, so one escape rule serves every prefix.
fragment ESCAPE
    : '\\' ( '\r\n' | . )
    ;

fragment DECIMAL_INTEGER
    : [1-9] ( '_'? DIGIT )*
    | '0' ( '_'? '0' )*
    ;

fragment HEX_INTEGER
    : '0' [xX] ( '_'? [0-9a-fA-F] )+
    ;

fragment OCT_INTEGER
    : '0' [oO] ( '_'? [0-7] )+
    ;

fragment BIN_INTEGER
    : '0' [bB] ( '_'? [01] )+
    ;

fragment FLOAT_NUMBER
    : POINT_FLOAT
    | EXPONENT_FLOAT
    ;

fragment POINT_FLOAT
    : DIGIT_PART? '.' DIGIT_PART
    | DIGIT_PART '.'
    ;

fragment EXPONENT_FLOAT
    : ( DIGIT_PART | POINT_FLOAT ) [eE] [+-]? DIGIT_PART
    ;

fragment DIGIT_PART
    : DIGIT ( '_'? DIGIT )*
    ;

fragment DIGIT
    : [0-9]
    ;

// The source is read as UTF-16 units (see PythonSource), so a character outside the BMP arrives
// as a surrogate pair; any such pair is accepted in a name.
fragment ID_START
    : [_\p{L}\p{Nl}]
    | SURROGATE_PAIR
    ;

fragment ID_CONTINUE
    : [_\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]
    | SURROGATE_PAIR
    ;

fragment SURROGATE_PAIR
    : [\uD800-\uDBFF] [\uDC00-\uDFFF]
    ;
