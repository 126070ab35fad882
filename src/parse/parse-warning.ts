/**
 * A warning of the parse, with the dbt event it is: the name `--warn-error-options` takes.
 * Strata's own notes, which dbt does not give, are `ParseWarning` and never become errors.
 */
export interface ParseWarning {
  event: 'DeprecatedModel' | 'DeprecatedReference' | 'UpcomingReferenceDeprecation' | 'NoNodeForYamlKey' | 'ParseWarning';
  message: string;
}
