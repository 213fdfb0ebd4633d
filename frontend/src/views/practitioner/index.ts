// Practitioner screens: the patient list, adding a patient, recording a session, one
// patient's recovery timeline and results, and the clinic's outcomes report.
import { route } from "../../router";
import { alertsView, clinicView } from "./alerts";
import { patientsView } from "./list";
import { newPatientView } from "./newPatient";
import { newSessionView } from "./newSession";
import { outcomesView } from "./outcomes-report";
import { timelineView } from "./timeline";
import "./practitioner.css";

export function registerPractitionerRoutes(): void {
  route("/patients", patientsView);
  route("/alerts", alertsView);
  route("/alerts/:status", alertsView);
  route("/clinic", clinicView);
  route("/outcomes", outcomesView);
  // Before "/patients/:id", which would otherwise take "new" for an id.
  route("/patients/new", newPatientView);
  route("/patients/:id/sessions/new", newSessionView);
  route("/patients/:id", timelineView);
}
