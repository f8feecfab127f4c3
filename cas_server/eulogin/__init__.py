"""EU Login's dialect of CAS: login transactions (/cas/login/init) and the EU Login
validation endpoints and response form, for clients written for EU Login.

What the public material shows of EU Login (the `https://ecas.ec.europa.eu/cas/schemas`
namespace, user data directly under `cas:authenticationSuccess`, `groups`, `strengths`
and `authenticationFactors` lists with a `number` attribute) is followed. Where nothing
public was found (the exact shape of the /cas/login/init answer, the minimal field set of
`userDetails=false`, what `assuranceLevel` does on the fixed-level endpoints) the choices
are documented in the module that makes them.
"""
