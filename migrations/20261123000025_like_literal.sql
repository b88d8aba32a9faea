-- Text typed into a search is matched as it is: `%`, `_` and `\` are escaped so
-- that LIKE treats them as characters, not wildcards (backslash is LIKE's escape).
create function hm_like_literal(text) returns text
    language sql immutable strict parallel safe
    return replace(replace(replace($1, '\', '\\'), '%', '\%'), '_', '\_');
