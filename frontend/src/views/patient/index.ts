// Patient screens (filled in by views/patient/*.ts).
export function registerPatientRoutes(): void {}
