-- A link a person asked for on the sign-in page ("Forgot your password?"):
-- like an admin's reset link, but valid one hour.
alter type token_purpose add value 'forgot';
