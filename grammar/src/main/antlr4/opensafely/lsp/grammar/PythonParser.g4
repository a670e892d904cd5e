/*
 * Python 3 syntax for static analysis of study code.
 *
 * Written for speed under SLL prediction: every decision is settled by a token or two (operator
 * precedence is a chain of rules rather than one left-recursive rule), and where CPython's grammar
 * is stricter than an editor needs (the order of parameters, what may stand left of `=` or `:=`),
 * this grammar is looser and leaves the check to later analysis.
 */
parser grammar PythonParser;

options {
    tokenVocab = PythonLexer;
}

// ================================================================ entry points

file_input
    : ( NEWLINE | stmt )* EOF
    ;

/** One expression on its own, e.g. the text of an f-string replacement field. */
eval_input
    : testlist NEWLINE* EOF
    ;

// ================================================================ statements

stmt
    : simple_stmts
    | compound_stmt
    ;

simple_stmts
    : simple_stmt ( ';' simple_stmt )* ';'? NEWLINE
    ;

simple_stmt
    : expr_stmt
    | del_stmt
    | pass_stmt
    | flow_stmt
    | import_stmt
    | global_stmt
    | nonlocal_stmt
    | assert_stmt
    ;

/** An expression, an assignment chain, an annotated or an augmented assignment. */
expr_stmt
    : testlist_star_expr
      ( annassign
      | augassign ( yield_expr | testlist )
      | ( '=' ( yield_expr | testlist_star_expr ) )*
      )
    ;

annassign
    : ':' test ( '=' ( yield_expr | testlist_star_expr ) )?
    ;

augassign
    : '+=' | '-=' | '*=' | '@=' | '/=' | '%=' | '&=' | '|=' | '^=' | '<<=' | '>>=' | '**=' | '//='
    ;

del_stmt
    : 'del' exprlist
    ;

pass_stmt
    : 'pass'
    ;

flow_stmt
    : break_stmt
    | continue_stmt
    | return_stmt
    | raise_stmt
    | yield_stmt
    ;

break_stmt
    : 'break'
    ;

continue_stmt
    : 'continue'
    ;

return_stmt
    : 'return' testlist_star_expr?
    ;

yield_stmt
    : yield_expr
    ;

raise_stmt
    : 'raise' ( test ( 'from' test )? )?
    ;

import_stmt
    : import_name
    | import_from
    ;

import_name
    : 'import' dotted_as_names
    ;

/** `from . import x`, `from ..pkg.mod import (a as b, c)`, `from codelists import *` */
import_from
    : 'from' ( relative_dots* dotted_name | relative_dots+ )
      'import' ( '*' | '(' import_as_names ','? ')' | import_as_names )
    ;

relative_dots
    : '.'
    | '...'
    ;

import_as_name
    : NAME ( 'as' NAME )?
    ;

dotted_as_name
    : dotted_name ( 'as' NAME )?
    ;

import_as_names
    : import_as_name ( ',' import_as_name )*
    ;

dotted_as_names
    : dotted_as_name ( ',' dotted_as_name )*
    ;

dotted_name
    : NAME ( '.' NAME )*
    ;

global_stmt
    : 'global' NAME ( ',' NAME )*
    ;

nonlocal_stmt
    : 'nonlocal' NAME ( ',' NAME )*
    ;

assert_stmt
    : 'assert' test ( ',' test )?
    ;

compound_stmt
    : if_stmt
    | while_stmt
    | for_stmt
    | try_stmt
    | with_stmt
    | funcdef
    | classdef
    | decorated
    | async_stmt
    | match_stmt
    ;

async_stmt
    : ASYNC ( funcdef | with_stmt | for_stmt )
    ;

if_stmt
    : 'if' namedexpr_test ':' block elif_clause* else_clause?
    ;

elif_clause
    : 'elif' namedexpr_test ':' block
    ;

else_clause
    : 'else' ':' block
    ;

while_stmt
    : 'while' namedexpr_test ':' block else_clause?
    ;

for_stmt
    : 'for' exprlist 'in' testlist_star_expr ':' block else_clause?
    ;

try_stmt
    : 'try' ':' block
      ( except_clause+ else_clause? finally_clause?
      | finally_clause
      )
    ;

/** `except`, `except E`, `except (A, B) as e`, `except* E` */
except_clause
    : 'except' '*'? ( test ( 'as' NAME )? )? ':' block
    ;

finally_clause
    : 'finally' ':' block
    ;

with_stmt
    : 'with' ( '(' with_item ( ',' with_item )* ','? ')' | with_item ( ',' with_item )* ) ':' block
    ;

with_item
    : test ( 'as' expr )?
    ;

block
    : simple_stmts
    | NEWLINE INDENT stmt+ DEDENT
    ;

decorator
    : '@' namedexpr_test NEWLINE
    ;

decorated
    : decorator+ ( classdef | funcdef | async_funcdef )
    ;

async_funcdef
    : ASYNC funcdef
    ;

funcdef
    : 'def' NAME parameters ( '->' test )? ':' block
    ;

parameters
    : '(' typedargslist? ')'
    ;

/** Parameters in any order; CPython's ordering rules are not a parsing concern here. */
typedargslist
    : typed_param ( ',' typed_param )* ','?
    ;

typed_param
    : tfpdef ( '=' test )?       # plainParam
    | '*' tfpdef?                # starParam
    | '**' tfpdef                # kwargsParam
    | '/'                        # positionalOnlyMarker
    ;

/** `*args: *Ts` (PEP 646) puts a starred expression in the annotation. */
tfpdef
    : NAME ( ':' ( test | star_expr ) )?
    ;

varargslist
    : vararg ( ',' vararg )* ','?
    ;

vararg
    : NAME ( '=' test )?         # plainLambdaParam
    | '*' NAME?                  # starLambdaParam
    | '**' NAME                  # kwargsLambdaParam
    | '/'                        # positionalOnlyLambdaMarker
    ;

classdef
    : 'class' NAME ( '(' arglist? ')' )? ':' block
    ;

// ---------------------------------------------------------------- match statement (3.10)

match_stmt
    : MATCH subject_expr ':' NEWLINE INDENT case_block+ DEDENT
    ;

subject_expr
    : star_named_expression ( ',' star_named_expression )* ','?
    ;

star_named_expression
    : star_expr
    | namedexpr_test
    ;

case_block
    : CASE patterns guard? ':' block
    ;

guard
    : 'if' namedexpr_test
    ;

patterns
    : star_pattern ( ',' star_pattern )* ','?
    ;

star_pattern
    : '*' NAME
    | as_pattern
    ;

as_pattern
    : or_pattern ( 'as' NAME )?
    ;

or_pattern
    : closed_pattern ( '|' closed_pattern )*
    ;

closed_pattern
    : literal_pattern                                # literalPattern
    | dotted_name ( '(' pattern_arguments? ')' )?    # namePattern
    | '(' patterns? ')'                              # groupPattern
    | '[' patterns? ']'                              # sequencePattern
    | '{' mapping_items? '}'                         # mappingPattern
    ;

literal_pattern
    : '-'? NUMBER ( ( '+' | '-' ) NUMBER )?
    | STRING+
    | 'None'
    | 'True'
    | 'False'
    ;

pattern_arguments
    : pattern_argument ( ',' pattern_argument )* ','?
    ;

pattern_argument
    : NAME '=' as_pattern
    | as_pattern
    ;

mapping_items
    : mapping_item ( ',' mapping_item )* ','?
    ;

mapping_item
    : '**' NAME
    | ( literal_pattern | dotted_name ) ':' as_pattern
    ;

// ================================================================ expressions

namedexpr_test
    : test ( ':=' test )?
    ;

test
    : or_test ( 'if' or_test 'else' test )?
    | lambdef
    ;

test_nocond
    : or_test
    | lambdef_nocond
    ;

lambdef
    : 'lambda' varargslist? ':' test
    ;

lambdef_nocond
    : 'lambda' varargslist? ':' test_nocond
    ;

or_test
    : and_test ( 'or' and_test )*
    ;

and_test
    : not_test ( 'and' not_test )*
    ;

not_test
    : 'not' not_test
    | comparison
    ;

comparison
    : expr ( comp_op expr )*
    ;

comp_op
    : '<' | '>' | '==' | '>=' | '<=' | '!='
    | 'in'
    | 'not' 'in'
    | 'is'
    | 'is' 'not'
    ;

star_expr
    : '*' expr
    ;

expr
    : xor_expr ( '|' xor_expr )*
    ;

xor_expr
    : and_expr ( '^' and_expr )*
    ;

and_expr
    : shift_expr ( '&' shift_expr )*
    ;

shift_expr
    : arith_expr ( ( '<<' | '>>' ) arith_expr )*
    ;

arith_expr
    : term ( ( '+' | '-' ) term )*
    ;

term
    : factor ( ( '*' | '@' | '/' | '%' | '//' ) factor )*
    ;

factor
    : ( '+' | '-' | '~' ) factor
    | power
    ;

power
    : atom_expr ( '**' factor )?
    ;

atom_expr
    : AWAIT? atom trailer*
    ;

atom
    : '(' ( yield_expr | testlist_comp )? ')'    # parenAtom
    | '[' testlist_comp? ']'                     # listAtom
    | '{' dictorsetmaker? '}'                    # braceAtom
    | NAME                                       # nameAtom
    | NUMBER                                     # numberAtom
    | STRING+                                    # stringAtom
    | '...'                                      # ellipsisAtom
    | 'None'                                     # noneAtom
    | 'True'                                     # trueAtom
    | 'False'                                    # falseAtom
    ;

/** The inside of (...) or [...]: one element with a comprehension, or a comma list. */
testlist_comp
    : star_named_expression ( comp_for | ( ',' star_named_expression )* ','? )
    ;

trailer
    : '(' arglist? ')'           # callTrailer
    | '[' subscriptlist ']'      # subscriptTrailer
    | '.' NAME                   # attributeTrailer
    ;

subscriptlist
    : subscript ( ',' subscript )* ','?
    ;

subscript
    : ( namedexpr_test | star_expr ) ( ':' test? sliceop? )?
    | ':' test? sliceop?
    ;

sliceop
    : ':' test?
    ;

exprlist
    : ( expr | star_expr ) ( ',' ( expr | star_expr ) )* ','?
    ;

testlist
    : test ( ',' test )* ','?
    ;

testlist_star_expr
    : ( test | star_expr ) ( ',' ( test | star_expr ) )* ','?
    ;

/** The inside of {...}: a dict (`k: v`, `**d`) or a set, either listed or as a comprehension. */
dictorsetmaker
    : dict_item ( comp_for | ( ',' dict_item )* ','? )                         # dictMaker
    | star_named_expression ( comp_for | ( ',' star_named_expression )* ','? ) # setMaker
    ;

dict_item
    : test ':' test              # keyValue
    | '**' expr                  # dictUnpack
    ;

arglist
    : argument ( ',' argument )* ','?
    ;

argument
    : NAME '=' test                  # keywordArgument
    | namedexpr_test comp_for?       # positionalArgument
    | '*' test                       # starArgument
    | '**' test                      # kwargsArgument
    ;

comp_iter
    : comp_for
    | comp_if
    ;

comp_for
    : ASYNC? 'for' exprlist 'in' or_test comp_iter?
    ;

comp_if
    : 'if' test_nocond comp_iter?
    ;

yield_expr
    : 'yield' ( 'from' test | testlist_star_expr )?
    ;
