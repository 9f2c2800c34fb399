// One tree-sitter query per language, compiled once. Capture names are the contract with symbols.ts:
//   @def.KIND  the definition node (KIND is a DefinitionKind)   @name  its name   @body  its body (signature ends there)
//   @import    an import statement                            @import.source  the module it names
//   @export    a node whose definitions are exported (TS/JS)  @export.name    a name exported by `export {…}`
// Patterns are listed most specific first: when two match the same definition, the first one wins.
import type {ParsedLanguage} from "./languages";

const ecmaScriptCommon = `
(function_declaration name: (identifier) @name body: (_) @body) @def.function
(generator_function_declaration name: (identifier) @name body: (_) @body) @def.function
(method_definition name: (_) @name body: (_) @body) @def.method
(lexical_declaration (variable_declarator name: (identifier) @name value: (arrow_function body: (_) @body))) @def.function
(lexical_declaration (variable_declarator name: (identifier) @name value: (function_expression body: (_) @body))) @def.function
(variable_declaration (variable_declarator name: (identifier) @name value: (arrow_function body: (_) @body))) @def.function
(variable_declaration (variable_declarator name: (identifier) @name value: (function_expression body: (_) @body))) @def.function
(program (lexical_declaration (variable_declarator name: (identifier) @name)) @def.constant)
(export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name)) @def.constant)
(import_statement source: (string (string_fragment) @import.source)) @import
(export_statement source: (string (string_fragment) @import.source)) @import
(lexical_declaration (variable_declarator value: (call_expression function: (identifier) @_require arguments: (arguments (string (string_fragment) @import.source))) (#eq? @_require "require"))) @import
(export_statement) @export
(export_clause (export_specifier name: (_) @export.name))
`;

const typeScript = `
(class_declaration name: (type_identifier) @name body: (_) @body) @def.class
(abstract_class_declaration name: (type_identifier) @name body: (_) @body) @def.class
(interface_declaration name: (type_identifier) @name body: (_) @body) @def.interface
(type_alias_declaration name: (type_identifier) @name) @def.type
(enum_declaration name: (identifier) @name body: (_) @body) @def.type
(method_signature name: (_) @name) @def.method
(abstract_method_signature name: (_) @name) @def.method
(function_signature name: (identifier) @name) @def.function
(internal_module name: (_) @name body: (_) @body) @def.module
(public_field_definition name: (_) @name value: (arrow_function body: (_) @body)) @def.method
${ecmaScriptCommon}`;

const javaScript = `
(class_declaration name: (identifier) @name body: (_) @body) @def.class
(field_definition property: (_) @name value: (arrow_function body: (_) @body)) @def.method
${ecmaScriptCommon}`;

const python = `
(function_definition name: (identifier) @name body: (_) @body) @def.function
(class_definition name: (identifier) @name body: (_) @body) @def.class
(module (expression_statement (assignment left: (identifier) @name)) @def.constant)
(import_statement name: (dotted_name) @import.source) @import
(import_statement name: (aliased_import name: (dotted_name) @import.source)) @import
(import_from_statement module_name: (_) @import.source) @import
`;

const go = `
(function_declaration name: (identifier) @name body: (_) @body) @def.function
(method_declaration name: (field_identifier) @name body: (_) @body) @def.method
(type_declaration (type_spec name: (type_identifier) @name type: (struct_type) @body) @def.class)
(type_declaration (type_spec name: (type_identifier) @name type: (interface_type) @body) @def.interface)
(type_declaration (type_spec name: (type_identifier) @name) @def.type)
(type_declaration (type_alias name: (type_identifier) @name) @def.type)
(const_declaration (const_spec name: (identifier) @name) @def.constant)
(source_file (var_declaration (var_spec name: (identifier) @name) @def.constant))
(import_spec path: (_) @import.source) @import
`;

const rust = `
(function_item name: (identifier) @name body: (_) @body) @def.function
(function_signature_item name: (identifier) @name) @def.function
(struct_item name: (type_identifier) @name) @def.class
(enum_item name: (type_identifier) @name body: (_) @body) @def.type
(union_item name: (type_identifier) @name body: (_) @body) @def.type
(trait_item name: (type_identifier) @name body: (_) @body) @def.interface
(type_item name: (type_identifier) @name) @def.type
(const_item name: (identifier) @name) @def.constant
(static_item name: (identifier) @name) @def.constant
(mod_item name: (identifier) @name body: (_) @body) @def.module
(macro_definition name: (identifier) @name) @def.function
(impl_item type: (_) @name body: (_) @body) @def.scope
(use_declaration argument: (_) @import.source) @import
(mod_item name: (identifier) @import.source !body) @import
`;

const java = `
(class_declaration name: (identifier) @name body: (_) @body) @def.class
(interface_declaration name: (identifier) @name body: (_) @body) @def.interface
(enum_declaration name: (identifier) @name body: (_) @body) @def.type
(record_declaration name: (identifier) @name body: (_) @body) @def.class
(annotation_type_declaration name: (identifier) @name body: (_) @body) @def.interface
(method_declaration name: (identifier) @name body: (_) @body) @def.method
(method_declaration name: (identifier) @name) @def.method
(constructor_declaration name: (identifier) @name body: (_) @body) @def.method
(field_declaration (modifiers) @_mods declarator: (variable_declarator name: (identifier) @name) (#match? @_mods "static")) @def.constant
(import_declaration (scoped_identifier) @import.source) @import
`;

const cFamily = `
(function_definition declarator: (function_declarator declarator: (identifier) @name) body: (_) @body) @def.function
(function_definition declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name)) body: (_) @body) @def.function
(declaration declarator: (function_declarator declarator: (identifier) @name)) @def.function
(declaration declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))) @def.function
(struct_specifier name: (type_identifier) @name body: (_) @body) @def.class
(union_specifier name: (type_identifier) @name body: (_) @body) @def.class
(enum_specifier name: (type_identifier) @name body: (_) @body) @def.type
(type_definition declarator: (type_identifier) @name) @def.type
(preproc_def name: (identifier) @name) @def.constant
(preproc_function_def name: (identifier) @name) @def.function
(preproc_include path: (_) @import.source) @import
`;

const c = cFamily;

const cpp = `
(function_definition declarator: (function_declarator declarator: (qualified_identifier) @name) body: (_) @body) @def.method
(function_definition declarator: (function_declarator declarator: (field_identifier) @name) body: (_) @body) @def.method
(function_definition declarator: (reference_declarator (function_declarator declarator: (_) @name)) body: (_) @body) @def.function
(function_definition declarator: (pointer_declarator declarator: (function_declarator declarator: (qualified_identifier) @name)) body: (_) @body) @def.method
(field_declaration declarator: (function_declarator declarator: (field_identifier) @name)) @def.method
(class_specifier name: (type_identifier) @name body: (_) @body) @def.class
(namespace_definition name: (_) @name body: (_) @body) @def.module
(alias_declaration name: (type_identifier) @name) @def.type
${cFamily}`;

const csharp = `
(class_declaration name: (identifier) @name body: (_) @body) @def.class
(struct_declaration name: (identifier) @name body: (_) @body) @def.class
(record_declaration name: (identifier) @name) @def.class
(interface_declaration name: (identifier) @name body: (_) @body) @def.interface
(enum_declaration name: (identifier) @name body: (_) @body) @def.type
(delegate_declaration name: (identifier) @name) @def.type
(method_declaration name: (identifier) @name body: (_) @body) @def.method
(method_declaration name: (identifier) @name) @def.method
(constructor_declaration name: (identifier) @name body: (_) @body) @def.method
(property_declaration name: (identifier) @name) @def.property
(namespace_declaration name: (_) @name body: (_) @body) @def.module
(file_scoped_namespace_declaration name: (_) @name) @def.module
(field_declaration (modifier) @_mod (variable_declaration (variable_declarator name: (identifier) @name)) (#eq? @_mod "const")) @def.constant
(using_directive (qualified_name) @import.source) @import
(using_directive (identifier) @import.source) @import
`;

const ruby = `
(method name: (_) @name) @def.function
(singleton_method name: (_) @name) @def.method
(class name: (_) @name) @def.class
(module name: (_) @name) @def.module
(assignment left: (constant) @name) @def.constant
(call method: (identifier) @_require arguments: (argument_list (string (string_content) @import.source)) (#match? @_require "^(require|require_relative|load)$")) @import
`;

const php = `
(function_definition name: (name) @name body: (_) @body) @def.function
(class_declaration name: (name) @name body: (_) @body) @def.class
(interface_declaration name: (name) @name body: (_) @body) @def.interface
(trait_declaration name: (name) @name body: (_) @body) @def.class
(enum_declaration name: (name) @name body: (_) @body) @def.type
(method_declaration name: (name) @name body: (_) @body) @def.method
(method_declaration name: (name) @name) @def.method
(const_element (name) @name) @def.constant
(namespace_use_clause (qualified_name) @import.source) @import
(namespace_use_clause (name) @import.source) @import
(require_once_expression (string (string_content) @import.source)) @import
(require_expression (string (string_content) @import.source)) @import
(include_once_expression (string (string_content) @import.source)) @import
(include_expression (string (string_content) @import.source)) @import
`;

const bash = `
(function_definition name: (word) @name body: (_) @body) @def.function
(program (variable_assignment name: (variable_name) @name) @def.constant)
(program (declaration_command (variable_assignment name: (variable_name) @name)) @def.constant)
(command name: (command_name (word) @_source) argument: (_) @import.source (#match? @_source "^(source|\\\\.)$")) @import
`;

export const queries: Record<ParsedLanguage, string> = {
    typescript: typeScript, tsx: typeScript, javascript: javaScript, python, go, rust, java, c, cpp, csharp, ruby, php, bash
};
