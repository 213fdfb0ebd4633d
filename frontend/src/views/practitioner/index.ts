// Practitioner screens (filled in by views/practitioner/*.ts).
export function registerPractitionerRoutes(): void {}
