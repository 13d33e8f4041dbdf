"use client";

import { useFormStatus } from "react-dom";
import { Button, type ButtonProps } from "./button";

/** A submit button that disables itself while its form's action runs. */
export function SubmitButton({ children, pendingLabel, ...rest }: ButtonProps & { pendingLabel?: string }) {
  const { pending } = useFormStatus();
  return (
    <Button type="submit" disabled={pending || rest.disabled} aria-disabled={pending || rest.disabled} {...rest}>
      {pending && pendingLabel ? pendingLabel : children}
    </Button>
  );
}
